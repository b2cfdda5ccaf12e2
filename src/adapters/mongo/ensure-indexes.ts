import { type Collection, type Document, type IndexDescription, MongoServerError } from 'mongodb';

/** An index a store needs: its key and options, always named. */
export type IndexSpec = IndexDescription & { name: string };

/** MongoDB's and FerretDB's "ns does not exist": a collection not created yet has no indexes. */
const NAMESPACE_NOT_FOUND = 26;

/**
 * How `existing` (as listIndexes answers it) differs from the index `spec` asks for: in key
 * or uniqueness; null when it is that index. Sparseness is not compared: FerretDB 1.x accepts
 * it and does not list it.
 */
function difference(existing: Document, spec: IndexSpec): string | null {
  if (JSON.stringify(existing['key']) !== JSON.stringify(spec.key)) return `key ${JSON.stringify(existing['key'])} instead of ${JSON.stringify(spec.key)}`;
  if (Boolean(existing['unique']) !== Boolean(spec.unique)) return spec.unique ? 'not unique' : 'unique';
  return null;
}

/**
 * Makes sure `collection` has every index in `specs`: one `listIndexes`, then a
 * `createIndex` for each one missing, one per call, in order (FerretDB builds them one at a
 * time). An index an operator dropped is created again at the next start. An index of the
 * same name that differs in key or uniqueness stops the start with an error naming it: asking
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
  for (const spec of specs) {
    const same = existing.find((index) => index['name'] === spec.name);
    if (same !== undefined) {
      const differs = difference(same, spec);
      if (differs === null) continue;
      throw new Error(`index ${spec.name} of ${collection.collectionName} is ${differs}; drop it and start again to have it created as the service needs it`);
    }
    const { key, ...options } = spec;
    await collection.createIndex(key, options);
    created.push(spec.name);
  }
  return created;
}
