import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Creates DATA_DIR if needed, owner-only: it holds the database and may hold the
 * generated JWT secret, and neither is anyone else's business.
 */
export function ensureDataDir(dataDir: string): string {
  const absolute = path.resolve(dataDir);
  try {
    fs.mkdirSync(absolute, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new Error(`DATA_DIR ${absolute} cannot be created: ${(error as Error).message}`, { cause: error });
  }
  return absolute;
}
