import { type Collection, type Document, type IndexDescription, MongoServerError } from 'mongodb';

/** An index a store needs: its key and options, always named. */
export type IndexSpec = IndexDescription & { name: string };

/** MongoDB's and FerretDB's "ns does not exist": a collection not created yet has no indexes. */
const NAMESPACE_NOT_FOUND = 26;

/**
 * Whether `existing` (as listIndexes answers it) is the index `spec` asks for: the same
 * name, key and uniqueness. Sparseness is not compared: FerretDB 1.x accepts it and does not
 * list it.
 */
function matches(existing: Document, spec: IndexSpec): boolean {
  return existing['name'] === spec.name && JSON.stringify(existing['key']) === JSON.stringify(spec.key) && Boolean(existing['unique']) === Boolean(spec.unique);
}

/**
 * Makes sure `collection` has every index in `specs`: one `listIndexes`, then a
 * `createIndex` for each one missing, one per call, in order (FerretDB builds them one at a
 * time). An index an operator dropped is created again at the next start. An index of the
 * same name that differs in key or uniqueness is asked for again, so the server refuses it as
 * it would refuse a plain `createIndex`, rather than the start going on with the wrong one.
 * Returns the names created.
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
    if (existing.some((index) => matches(index, spec))) continue;
    const { key, ...options } = spec;
    await collection.createIndex(key, options);
    created.push(spec.name);
  }
  return created;
}
