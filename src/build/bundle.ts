/**
 * Bundles the service for a fast start (src/build/run-build.ts, after tsc): the compiled
 * composition root, dist/src/bootstrap/start.js, and what it imports, as ES modules in dist/bundle,
 * split at the dynamic imports so what loads lazily (the drivers, prom-client, the import
 * command) stays lazy. src/main.ts runs the bundle unless tracing is on.
 *
 * Why: node resolves and reads one file instead of hundreds, which shortens the cold start
 * (docs/adr/0004-bundled-start.md); the shared set-up's drivers are bundled too, in the
 * chunk only that set-up imports. Left out, and loaded from node_modules as before: the
 * native modules, the packages that read their own files at run time (reflection's .proto
 * files, the password dictionaries), the libraries only some requests or configurations
 * use, and tracing, which instruments packages as they load and so needs them unbundled.
 */

import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin, transform } from 'esbuild';

/** Where the bundle goes, beside dist/src. */
export const BUNDLE_DIR = 'bundle';

const EXTERNAL = [
  'bcrypt',
  '@node-rs/argon2',
  'better-sqlite3',
  // The MongoDB driver's optional companions (compression, Kerberos, client-side
  // encryption, cloud credentials, SOCKS): it requires each only when configured, and none
  // is installed.
  '@aws-sdk/credential-providers',
  '@mongodb-js/zstd',
  'gcp-metadata',
  'kerberos',
  'mongodb-client-encryption',
  'snappy',
  'socks',
  'prom-client',
  'nodemailer',
  '@simplewebauthn/server',
  '@grpc/reflection',
  '@grpc/proto-loader',
  'protobufjs',
  '@zxcvbn-ts/*',
  '@opentelemetry/*',
  'import-in-the-middle',
];

/**
 * Keeps the names of oidc-provider's functions and classes, and only those: it names its
 * models (AccessToken, ClientCredentials ...) by their classes' `name`, which minifySyntax
 * drops from a class expression nothing refers to by it and the bundle's renaming can
 * change (test/integration/deploy/oidc-bundle.test.ts). esbuild's keepNames for the whole
 * bundle kept them too, but wrapped every named closure of every module in a `__name(...)`
 * call each time the closure was created, Koa's per-request ones included: a share of
 * every request's CPU (docs/benchmarks.md). So only the package's files go through keepNames,
 * before they are bundled; their `__name` calls run where oidc-provider's code runs.
 */
const KEEP_NAMES_OF = /[\\/]node_modules[\\/]oidc-provider[\\/].*\.js$/;

const keepNamesOfOidcProvider: Plugin = {
  name: 'keep-names-of-oidc-provider',
  setup(plugin) {
    plugin.onLoad({ filter: KEEP_NAMES_OF }, async (file) => {
      const source = readFileSync(file.path, 'utf8');
      const kept = await transform(source, { loader: 'js', keepNames: true, sourcefile: file.path, sourcemap: 'inline' });
      return { contents: kept.code, loader: 'js' };
    });
  },
};

/** Builds dist/bundle from dist/src/bootstrap/start.js; `dist` is the compiled output folder. */
export async function bundle(dist: string): Promise<void> {
  const outdir = path.join(dist, BUNDLE_DIR);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(dist, 'src', 'bootstrap', 'start.js')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    // The oldest Node that engines admits.
    target: 'node22',
    outdir,
    sourcemap: true,
    // Less for V8 to scan at start (about a tenth off the cold start); identifiers are not
    // minified, so stack traces stay readable, and the source maps lead back to the
    // TypeScript (node --enable-source-maps).
    minifyWhitespace: true,
    minifySyntax: true,
    // No keepNames for the whole bundle: only oidc-provider reads its classes' names
    // (keepNamesOfOidcProvider, above).
    plugins: [keepNamesOfOidcProvider],
    // The parser of MongoDB connection strings gets Node's own URL for the whatwg-url package:
    // loading that package and tr46's mapping table was some 7 % of the shared set-up's start
    // (docs/benchmarks.md, "Cold start and memory at ready"); both read every connection
    // string alike (test/unit/build/connection-string-url.test.ts).
    alias: { 'whatwg-url': path.join(dist, 'src', 'build', 'node-whatwg-url.js') },
    external: EXTERNAL,
    // The CommonJS packages inside an ES module bundle call require, which ES modules lack.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
