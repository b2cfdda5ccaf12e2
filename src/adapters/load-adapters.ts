/**
 * The adapters of one set-up, loaded only when the configuration asks for it: the
 * embedded default never loads the MongoDB driver or ioredis, and the shared set-up never
 * loads better-sqlite3. Loading the unused drivers would cost start-up time and memory.
 * The modules of a set-up are imported together, not one by one.
 */

/** The MongoDB and Redis adapters (the shared set-up). */
export async function loadSharedAdapters() {
  const [connect, clients, sessions, outbox, mailOutbox, oneTimeTokens, secondFactors, auditLog, signingKeys, oidc, overviewCounts, revokedTokens] =
    await Promise.all([
      import('./mongo/mongo-connect.js'),
      import('./mongo/client-store.js'),
      import('./mongo/session-store.js'),
      import('./mongo/outbox.js'),
      import('./mongo/mail-outbox.js'),
      import('./mongo/one-time-token-store.js'),
      import('./mongo/second-factor-store.js'),
      import('./mongo/audit-log.js'),
      import('./mongo/signing-key-store.js'),
      import('./mongo/oidc-store.js'),
      import('./mongo/overview-counts.js'),
      import('./mongo/revoked-token-store.js'),
    ]);
  const [redis, revocationList, eventBus, attemptLimiters, auditStream, revocationFeed, cachedClients] = await Promise.all([
    import('./redis/redis-connect.js'),
    import('./redis/revocation-list.js'),
    import('./redis/event-bus.js'),
    import('./redis/attempt-limiters.js'),
    import('./redis/audit-stream.js'),
    import('./redis/revocation-feed.js'),
    import('./redis/cached-client-store.js'),
  ]);
  return {
    ...connect,
    ...clients,
    ...sessions,
    ...outbox,
    ...mailOutbox,
    ...oneTimeTokens,
    ...secondFactors,
    ...auditLog,
    ...signingKeys,
    ...oidc,
    ...overviewCounts,
    ...revokedTokens,
    ...redis,
    ...revocationList,
    ...eventBus,
    ...attemptLimiters,
    ...auditStream,
    ...revocationFeed,
    ...cachedClients,
  };
}

/** The SQLite and in-process adapters (the embedded default). */
export async function loadEmbeddedAdapters() {
  const [developmentSecret, embedded] = await Promise.all([import('./embedded/development-secret.js'), import('./embedded/embedded-adapters.js')]);
  return { ...developmentSecret, ...embedded };
}
