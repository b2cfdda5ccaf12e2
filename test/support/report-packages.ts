/**
 * Preloaded with `node --import` into a service under test: at exit it writes the npm
 * packages the process loaded, one line on stderr, so a test can tell what a configuration
 * loads. CommonJS modules (required, or imported from an ES module) are in `require.cache`;
 * ES modules are reported by the loader hooks of record-imports.ts. A second line lists the
 * files of the bundle (dist/bundle, src/build/bundle.ts) the process imported, if any.
 */
// A script, never imported: importing it would report the importer's packages too.
import { createRequire, register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

const imported = new Set<string>();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url: string) => {
  if (url.startsWith('file:')) imported.add(fileURLToPath(url));
});
// The hooks' messages must not keep a finished process alive.
port1.unref();
register('./record-imports.js', import.meta.url, { data: { port: port2 }, transferList: [port2] });

process.on('exit', () => {
  const packages = new Set<string>();
  for (const file of [...Object.keys(createRequire(import.meta.url).cache), ...imported]) {
    const at = file.lastIndexOf('node_modules/');
    if (at < 0) continue;
    const parts = file.slice(at + 'node_modules/'.length).split('/');
    packages.add(parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
  }
  process.stderr.write(`loaded-packages:${[...packages].sort().join(',')}\n`);
  process.stderr.write(`bundle-files:${[...imported].filter((file) => file.includes('/dist/bundle/')).join(',')}\n`);
});
