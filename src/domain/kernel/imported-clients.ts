/**
 * Clients carried over from the original service (a-shine/client-auth) keep their id: the
 * 24 lower-case hex digits of the MongoDB ObjectId it gave them. Data other services keyed
 * by that id, and the gateway's Redis key named by it, stay valid. Ids minted here are
 * UUIDv7, so the id's shape alone tells an imported client from a native one.
 */
const IMPORTED_ID_PATTERN = /^[0-9a-f]{24}$/;

export function isImportedClientId(value: string): boolean {
  return IMPORTED_ID_PATTERN.test(value);
}

/** The creation time an ObjectId carries in its first four bytes (seconds since the epoch). */
export function importedClientCreatedAt(id: string): Date {
  return new Date(Number.parseInt(id.slice(0, 8), 16) * 1000);
}
