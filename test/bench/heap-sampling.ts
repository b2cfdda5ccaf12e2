/**
 * Preloaded into a server under measurement (`node --import=…/heap-sampling.js main.js`):
 * the first SIGUSR2 starts V8's sampling heap profiler, the second writes what was
 * allocated in between to $HEAP_SAMPLING_FILE (a `.heapprofile`, summed with
 * alloc-summary.js). Objects already collected are kept in the samples, so the profile is
 * what the window allocated, not what it left alive: the young generation's traffic.
 */
import * as fs from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env['HEAP_SAMPLING_FILE'];
if (file) {
  const session = new Session();
  session.connect();
  let sampling = false;
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
  process.on('SIGUSR2', () => {
    if (!sampling) {
      sampling = true;
      void post('HeapProfiler.startSampling', {
        samplingInterval: Number(process.env['HEAP_SAMPLING_INTERVAL'] ?? 512),
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      return;
    }
    sampling = false;
    void post('HeapProfiler.stopSampling').then((result) => {
      fs.writeFileSync(file, JSON.stringify((result as { profile: unknown }).profile));
    });
  });
}
