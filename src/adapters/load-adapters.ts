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
    ...(require('./mongo/connect') as typeof import('./mongo/connect.js')),
    ...(require('./mongo/client-store') as typeof import('./mongo/client-store.js')),
    ...(require('./mongo/session-store') as typeof import('./mongo/session-store.js')),
    ...(require('./mongo/outbox') as typeof import('./mongo/outbox.js')),
    ...(require('./mongo/mail-outbox') as typeof import('./mongo/mail-outbox.js')),
    ...(require('./mongo/one-time-token-store') as typeof import('./mongo/one-time-token-store.js')),
    ...(require('./mongo/second-factor-store') as typeof import('./mongo/second-factor-store.js')),
    ...(require('./mongo/audit-log') as typeof import('./mongo/audit-log.js')),
    ...(require('./mongo/signing-key-store') as typeof import('./mongo/signing-key-store.js')),
    ...(require('./redis/connect') as typeof import('./redis/connect.js')),
    ...(require('./redis/revocation-list') as typeof import('./redis/revocation-list.js')),
    ...(require('./redis/event-bus') as typeof import('./redis/event-bus.js')),
    ...(require('./redis/attempt-limiters') as typeof import('./redis/attempt-limiters.js')),
    ...(require('./redis/audit-stream') as typeof import('./redis/audit-stream.js')),
    ...(require('./redis/revocation-feed') as typeof import('./redis/revocation-feed.js')),
  };
}

/** The SQLite and in-process adapters (the embedded default). */
export function loadEmbeddedAdapters() {
  return {
    ...(require('./embedded/development-secret') as typeof import('./embedded/development-secret.js')),
    ...(require('./embedded/embedded-adapters') as typeof import('./embedded/embedded-adapters.js')),
  };
}
