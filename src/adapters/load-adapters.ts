/**
 * The adapters of one set-up, loaded only when the configuration asks for it: the
 * embedded default never loads the MongoDB driver or ioredis, and the shared set-up never
 * loads better-sqlite3. Loading the unused drivers cost start-up time and tens of
 * megabytes of memory. `require` rather than `import()`: the build emits CommonJS, where
 * `import()` would go through the ES module loader and its resolution rules.
 */

/** The MongoDB and Redis adapters (the shared set-up). */
export function loadSharedAdapters() {
  return {
    ...(require('./mongo/connect') as typeof import('./mongo/connect')),
    ...(require('./mongo/client-store') as typeof import('./mongo/client-store')),
    ...(require('./mongo/session-store') as typeof import('./mongo/session-store')),
    ...(require('./mongo/outbox') as typeof import('./mongo/outbox')),
    ...(require('./mongo/mail-outbox') as typeof import('./mongo/mail-outbox')),
    ...(require('./mongo/one-time-token-store') as typeof import('./mongo/one-time-token-store')),
    ...(require('./mongo/second-factor-store') as typeof import('./mongo/second-factor-store')),
    ...(require('./mongo/signing-key-store') as typeof import('./mongo/signing-key-store')),
    ...(require('./redis/connect') as typeof import('./redis/connect')),
    ...(require('./redis/revocation-list') as typeof import('./redis/revocation-list')),
    ...(require('./redis/event-bus') as typeof import('./redis/event-bus')),
    ...(require('./redis/login-throttle') as typeof import('./redis/login-throttle')),
    ...(require('./redis/revocation-feed') as typeof import('./redis/revocation-feed')),
  };
}

/** The SQLite and in-process adapters (the embedded default). */
export function loadEmbeddedAdapters() {
  return {
    ...(require('./embedded/development-secret') as typeof import('./embedded/development-secret')),
    ...(require('./embedded/embedded-adapters') as typeof import('./embedded/embedded-adapters')),
  };
}
