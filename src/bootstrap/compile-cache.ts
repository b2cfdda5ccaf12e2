/**
 * Node's compile cache for the service's code (ADR 0025): V8's compiled code of each module,
 * kept in COMPILE_CACHE_DIR and read back at the next start instead of compiling again. Node
 * keys each entry by the module's path and content and by its own version and V8 flags, so a
 * new build, a new Node or other flags compile afresh rather than run stale code. A folder
 * that cannot be used (missing, read-only, not a folder) leaves the start as it is without
 * the cache: it is a speed-up, never a condition of starting.
 */
import { readdirSync } from 'node:fs';
import module from 'node:module';
import { ConfigError } from '../config/reader.js';
import type { Logger } from '../domain/kernel/logger.js';

/** What the entry point's attempt came to. */
interface Outcome {
  dir: string;
  used: boolean;
  detail: string;
}

/**
 * Process-wide, not module state: the bundled start (src/build/bundle.ts) has its own copy
 * of this module, apart from the one main.js enabled the cache with.
 */
const OUTCOME = Symbol.for('client-auth.compile-cache');
const process_ = globalThis as { [OUTCOME]?: Outcome };

/** Node 22.1 and later; absent on Node 20. */
type CacheApi = {
  enableCompileCache?: (dir: string) => { status: number; message?: string; directory?: string };
  flushCompileCache?: () => void;
  constants?: { compileCacheStatus?: Record<'ENABLED' | 'ALREADY_ENABLED', number> };
};
const api = module as unknown as CacheApi;

/** Turns the cache on for every module loaded from now on; called before the service's code loads. */
export function enableCompileCache(dir: string | null): void {
  if (dir === null) return;
  if (typeof api.enableCompileCache !== 'function') {
    process_[OUTCOME] = { dir, used: false, detail: `Node ${process.version} has no compile cache (22.1 and later have)` };
    return;
  }
  const result = api.enableCompileCache(dir);
  const statuses = api.constants?.compileCacheStatus;
  const used = result.status === statuses?.ENABLED || result.status === statuses?.ALREADY_ENABLED;
  process_[OUTCOME] = { dir: result.directory ?? dir, used, detail: result.message ?? '' };
}

/**
 * Says once the logger exists whether the cache is in use, and writes what this start
 * compiled into it now rather than at exit, so that an instance stopped without a clean exit
 * still leaves the cache for the next one.
 */
export function reportCompileCache(log: Logger): void {
  const outcome = process_[OUTCOME];
  if (outcome === undefined) return;
  if (!outcome.used) {
    log.warn({ dir: outcome.dir, reason: outcome.detail }, 'COMPILE_CACHE_DIR is set but not used: every module is compiled at start');
    return;
  }
  log.info({ dir: outcome.dir }, 'compiled code read from and kept in COMPILE_CACHE_DIR');
  api.flushCompileCache?.();
}

/**
 * `main.js compile`, to its exit code: 78 (as a start's bad configuration) when
 * COMPILE_CACHE_DIR is unset or not absolute, since the entry point then enabled no cache and
 * the image build would go on with an empty one; otherwise compiles every chunk.
 */
export async function runCompile(bundleDir: URL, /** The folder, or a ConfigError. */ folder: () => string): Promise<number> {
  try {
    folder();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`client-auth: ${error.message}\n`);
    return 78;
  }
  const chunks = await compileEveryChunk(bundleDir);
  process.stderr.write(`client-auth: compiled ${chunks} modules of the bundle\n`);
  return 0;
}

/**
 * Loads every module of the bundle (the ones a start loads only when its
 * set-up or a first request needs them included) without starting anything, so that the
 * image build leaves all of them in the cache. Loading a chunk of the bundle defines its
 * modules and starts nothing.
 */
export async function compileEveryChunk(bundleDir: URL): Promise<number> {
  const chunks = readdirSync(bundleDir).filter((name) => name.endsWith('.js'));
  for (const chunk of chunks) await import(new URL(chunk, bundleDir).href);
  api.flushCompileCache?.();
  return chunks.length;
}
