/**
 * Node's compile cache for the service's own code (ADR 0025): where V8's compiled code of
 * the bundle is kept between starts. Read by src/bootstrap/compile-cache-apply.ts before any
 * other module of the service loads, and by `loadConfig` (index.ts), which refuses a bad
 * value with exit 78 as it does any other.
 */
import { isAbsolute } from 'node:path';
import { ConfigError, type Env, Reader } from './reader.js';

/** The folder of the compile cache, or null (off: the default outside the image). */
export function compileCacheDirFrom(read: Reader): string | null {
  const dir = read.optional('COMPILE_CACHE_DIR');
  if (dir === null) return null;
  if (!isAbsolute(dir)) throw new ConfigError(`COMPILE_CACHE_DIR must be an absolute path, not "${dir}"`);
  return read.string('COMPILE_CACHE_DIR', '');
}

/** The same, from the environment, for the entry point; null also when the value is bad (loadConfig then refuses it). */
export function compileCacheConfig(env: Env): string | null {
  try {
    return compileCacheDirFrom(new Reader(env));
  } catch (error) {
    if (error instanceof ConfigError) return null;
    throw error;
  }
}

/** For `main.js compile`, which fills the folder: the folder, or a ConfigError naming the variable when it is unset or bad. */
export function compileCacheDirRequired(env: Env): string {
  const dir = compileCacheDirFrom(new Reader(env));
  if (dir === null) throw new ConfigError('COMPILE_CACHE_DIR is not set: compile fills the folder it names');
  return dir;
}
