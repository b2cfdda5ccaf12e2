/** Imported by src/main.ts right after the heap policy: the compile cache (ADR 0025) must be on before the bundle loads. */
import { compileCacheConfig } from '../config/compile-cache-dir.js';
import { enableCompileCache } from './compile-cache.js';

enableCompileCache(compileCacheConfig(process.env));
