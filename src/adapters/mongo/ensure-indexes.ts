import { type Collection, type Db, type Document, type IndexDescription, MongoServerError } from 'mongodb';

/** An index a store needs: its key and options, always named. */
export type IndexSpec = IndexDescription & { name: string };

/** MongoDB's and FerretDB's "ns does not exist": a collection not created yet has no indexes. */
const NAMESPACE_NOT_FOUND = 26;

/**
 * How `existing` (as listIndexes answers it) differs from the index `spec` asks for: in key,
 * uniqueness or, where the server lists it, sparseness; null when it is that index. MongoDB
 * lists `sparse: true` on a sparse index and nothing on another; FerretDB 1.x accepts
 * `sparse` but lists it on none, so there a missing `sparse` proves nothing.
 */
export function indexDifference(existing: Document, spec: IndexSpec, server: { listsSparse: boolean }): string | null {
  if (JSON.stringify(existing['key']) !== JSON.stringify(spec.key)) return `key ${JSON.stringify(existing['key'])} instead of ${JSON.stringify(spec.key)}`;
  if (Boolean(existing['unique']) !== Boolean(spec.unique)) return spec.unique ? 'not unique' : 'unique';
  if (server.listsSparse && Boolean(existing['sparse']) !== Boolean(spec.sparse)) return spec.sparse ? 'not sparse' : 'sparse';
  return null;
}

/** Whether the server lists `sparse` in listIndexes: MongoDB does, FerretDB (whose buildInfo names it) does not. */
async function listsSparse(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return !Object.keys(info).some((key) => key.startsWith('ferretdb'));
}

/**
 * Makes sure `collection` has every index in `specs`: one `listIndexes`, then a
 * `createIndex` for each one missing, one per call, in order (FerretDB builds them one at a
 * time). An index an operator dropped is created again at the next start. An index of the
 * same name that differs in key, uniqueness or (on MongoDB) sparseness stops the start with an error naming it: asking
 * for it again is no check, since FerretDB answers such a `createIndex` with success and keeps
 * the index it has (a uniqueness the service relies on would then be missing). The operator
 * drops it and the next start creates it. Returns the names created.
 */
export async function ensureIndexes<T extends Document>(collection: Collection<T>, specs: readonly IndexSpec[]): Promise<string[]> {
  let existing: Document[];
  try {
    existing = await collection.listIndexes().toArray();
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
    existing = [];
  }
  const created: string[] = [];
  let server: { listsSparse: boolean } | undefined;
  for (const spec of specs) {
    const same = existing.find((index) => index['name'] === spec.name);
    if (same !== undefined) {
      // Asked once, and only when there is an index to compare.
      server ??= { listsSparse: await listsSparse(collection.db) };
      const differs = indexDifference(same, spec, server);
      if (differs === null) continue;
      throw new Error(`index ${spec.name} of ${collection.collectionName} is ${differs}; drop it and start again to have it created as the service needs it`);
    }
    const { key, ...options } = spec;
    await collection.createIndex(key, options);
    created.push(spec.name);
  }
  return created;
}
