/** FerretDB (MongoDB wire protocol, SQLite backend) started for the test run. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MongoClient } from 'mongodb';
import { log, makeTempDir, spawnLogged, waitReady } from './managed-process.js';
import { executableFromEnv, freePort, isExecutable, repoRoot } from './paths.js';

function ferretBinary(): string {
  const fromEnv = executableFromEnv('FERRETDB_BIN');
  if (fromEnv) return fromEnv;
  const bin = path.join(repoRoot(), '.cache', 'ferretdb');
  if (!isExecutable(bin)) {
    throw new Error(
      `FerretDB binary not found at ${bin}; build it from the repo root with ` +
        `\`go -C test/support/ferretdb build -o ../../../.cache/ferretdb .\` (Go >= 1.24, fetches modules from the Go module proxy; ` +
        `.ci/run does this too), or set FERRETDB_BIN, or set TEST_MONGODB_URI to an existing MongoDB/FerretDB.`,
    );
  }
  return bin;
}

async function mongoPing(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 1000,
    connectTimeoutMS: 1000,
    directConnection: true,
  });
  try {
    await client.connect();
    const res = await client.db('admin').command({ ping: 1 });
    return res['ok'] === 1;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * Starts FerretDB on a free loopback port with data in a fresh temp directory; returns its URI.
 * `stock: true` runs it without the `_id` lookup index our build adds (test/support/ferretdb/id_lookup_index.go).
 */
export async function startFerret(options: { stock?: boolean } = {}): Promise<string> {
  const bin = ferretBinary();
  const port = await freePort();
  const base = makeTempDir('client-auth-ferretdb-');
  const dataDir = path.join(base, 'data');
  fs.mkdirSync(dataDir);
  const logFile = path.join(base, 'ferretdb.log');
  const ferret = spawnLogged(
    'FerretDB',
    bin,
    ['-listen', `127.0.0.1:${port}`, '-dir', dataDir, ...(options.stock ? ['-index-id-lookups=false'] : [])],
    port,
    logFile,
  );
  const uri = `mongodb://127.0.0.1:${port}/`;
  await waitReady(ferret, () => mongoPing(uri));
  log(`FerretDB${options.stock ? ' (stock)' : ''} (MongoDB wire protocol) running at ${uri} (pid ${ferret.proc.pid}, data ${dataDir})`);
  return uri;
}
