/**
 * The embedded set-up's schema: the migrations that built it, in order, and the step that
 * applies the ones a database file has not seen yet.
 */
import type Database from 'better-sqlite3';

/**
 * Schema versions, applied in order and recorded in `user_version`. Append a new entry to
 * change the schema; never edit one that has shipped, since files in DATA_DIR carry it.
 * Times are milliseconds since the epoch; lists and maps are JSON text.
 */
export const SCHEMA_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE clients (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    email             TEXT NOT NULL UNIQUE,
    first_name        TEXT NOT NULL,
    last_name         TEXT NOT NULL,
    phone_number      TEXT NOT NULL,
    name              TEXT NOT NULL,
    groups_json       TEXT NOT NULL,
    attributes_json   TEXT NOT NULL,
    password_hash     TEXT,
    secret_hash       TEXT,
    suspended         INTEGER NOT NULL,
    suspension_reason TEXT NOT NULL,
    suspended_at      INTEGER,
    suspended_by      TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
  );

  CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX sessions_client ON sessions (client_id);

  -- UNIQUE (parent) is what makes rotation exactly-once: the second successor cannot be inserted.
  CREATE TABLE refresh_tokens (
    hash       TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    parent     TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX refresh_tokens_client ON refresh_tokens (client_id);

  CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    type         TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    client_kind  TEXT NOT NULL,
    at           INTEGER NOT NULL,
    by           TEXT NOT NULL,
    reason       TEXT NOT NULL,
    delivered_at INTEGER
  );
  CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;

  -- The in-process revocation list, kept so that a restart does not lift a logout,
  -- a suspension or a deletion. until: ms since epoch, NULL for "until reinstated".
  CREATE TABLE revoked_clients (
    id    TEXT PRIMARY KEY,
    mark  TEXT NOT NULL,
    until INTEGER
  );
  CREATE TABLE revoked_sessions (
    id    TEXT PRIMARY KEY,
    until INTEGER NOT NULL
  );
  `,
  `
  -- A deletion is decided by marking the client (one row change), before anything is
  -- announced or removed; a marked row is invisible to everything but the recovery that
  -- finishes its deletion.
  ALTER TABLE clients ADD COLUMN deletion_request_id TEXT;
  ALTER TABLE clients ADD COLUMN deletion_at INTEGER;
  ALTER TABLE clients ADD COLUMN deletion_by TEXT;
  CREATE INDEX clients_marked_deleted ON clients (deletion_at) WHERE deletion_request_id IS NOT NULL;
  `,
  `
  ALTER TABLE clients ADD COLUMN email_verified_at INTEGER;

  -- Password-reset and email-verification tokens, by the SHA-256 of their value.
  CREATE TABLE one_time_tokens (
    hash       TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX one_time_tokens_client ON one_time_tokens (client_id);

  -- Mail not yet sent; a row is removed once its message is sent or dropped.
  CREATE TABLE mail_outbox (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    template        TEXT NOT NULL,
    variables_json  TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL
  );
  CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at);
  CREATE INDEX mail_outbox_client ON mail_outbox (client_id);
  `,
  `
  -- Second factors. A session records how its client authenticated (amr, a JSON list);
  -- NULL on sessions begun before, which were password logins.
  ALTER TABLE sessions ADD COLUMN amr_json TEXT;
  CREATE TABLE totp_factors (
    client_id            TEXT PRIMARY KEY,
    sealed_secret        TEXT NOT NULL,
    recovery_hashes_json TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    confirmed_at         INTEGER
  );
  CREATE TABLE passkeys (
    id              TEXT PRIMARY KEY,
    client_id       TEXT NOT NULL,
    public_key      TEXT NOT NULL,
    counter         INTEGER NOT NULL,
    transports_json TEXT NOT NULL,
    name            TEXT NOT NULL,
    backed_up       INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER
  );
  CREATE INDEX passkeys_client ON passkeys (client_id);
  -- One row per used-up code or ticket: the primary key makes each usable once.
  CREATE TABLE second_factor_claims (
    key       TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    until     INTEGER NOT NULL
  );
  CREATE INDEX second_factor_claims_client ON second_factor_claims (client_id);
  `,
  `
  -- Signing keys: the private half sealed with the key-encryption key. UNIQUE (generation)
  -- is the compare-and-set of rotation: only one successor of a key can be inserted.
  CREATE TABLE signing_keys (
    kid                TEXT PRIMARY KEY,
    generation         INTEGER NOT NULL UNIQUE,
    algorithm          TEXT NOT NULL,
    public_key_json    TEXT NOT NULL,
    sealed_private_key TEXT NOT NULL,
    created_at         INTEGER NOT NULL,
    activates_at       INTEGER NOT NULL
  );
  `,
  `
  -- What a rotation answered, sealed with the parent token, for a second use within the reuse interval.
  ALTER TABLE refresh_tokens ADD COLUMN sealed_answer TEXT;
  `,
  `
  -- The audit trail; id is time-ordered, so "newest first" is ORDER BY id DESC.
  CREATE TABLE audit_events (
    id           TEXT PRIMARY KEY,
    at           INTEGER NOT NULL,
    type         TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    target       TEXT NOT NULL,
    session_id   TEXT NOT NULL,
    ip           TEXT NOT NULL,
    user_agent   TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    details_json TEXT NOT NULL
  );
  CREATE INDEX audit_events_at ON audit_events (at);
  CREATE INDEX audit_events_target ON audit_events (target, id);
  CREATE INDEX audit_events_actor ON audit_events (actor, id);
  `,
  `
  -- The skeleton of each client's email (src/adapters/confusables/email-skeleton.ts): two
  -- addresses that read alike have the same, and UNIQUE lets only one be stored. Rows of
  -- earlier releases have NULL (which UNIQUE allows any number of) until the start-up
  -- fills them (fillEmailSkeletons in sqlite-client-store.ts).
  ALTER TABLE clients ADD COLUMN email_skeleton TEXT;
  CREATE UNIQUE INDEX clients_email_skeleton ON clients (email_skeleton);
  `,
  `
  -- Where a session began and where each refresh token was issued (user agent, client IP):
  -- a session's last use is its newest token. NULL on rows of earlier releases.
  ALTER TABLE sessions ADD COLUMN user_agent TEXT;
  ALTER TABLE sessions ADD COLUMN client_ip TEXT;
  ALTER TABLE refresh_tokens ADD COLUMN user_agent TEXT;
  ALTER TABLE refresh_tokens ADD COLUMN client_ip TEXT;
  `,
  `
  -- The OpenID Provider's records (src/adapters/embedded/sqlite-oidc-store.ts), by model and id.
  CREATE TABLE oidc_records (
    model TEXT NOT NULL, id TEXT NOT NULL, payload_json TEXT NOT NULL, grant_id TEXT, uid TEXT, user_code TEXT,
    account_id TEXT, expires_at INTEGER, consumed_at INTEGER, PRIMARY KEY (model, id)
  );
  CREATE INDEX oidc_records_grant ON oidc_records (grant_id);
  CREATE INDEX oidc_records_uid ON oidc_records (uid);
  CREATE INDEX oidc_records_user_code ON oidc_records (user_code);
  CREATE INDEX oidc_records_account ON oidc_records (account_id);
  CREATE INDEX oidc_records_expiry ON oidc_records (expires_at);
  `,
  `
  -- The audit trail by client IP, newest first (the console's filter).
  CREATE INDEX audit_events_ip ON audit_events (ip, id);
  `,
  `
  -- A service's last token issue, to the minute (ClientStore.recordTokenIssue).
  ALTER TABLE clients ADD COLUMN last_token_at INTEGER;
  `,
  `
  -- Each client's groups, one row per group, so the client list filters by group from an
  -- index (group_name, client_id) in id order rather than by reading every client's JSON.
  -- The triggers keep it in step with groups_json in the statement that writes the row,
  -- whichever code path writes it; the INSERT fills it for the clients stored before.
  CREATE TABLE client_groups (
    group_name TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    PRIMARY KEY (group_name, client_id)
  ) WITHOUT ROWID;
  CREATE INDEX client_groups_client ON client_groups (client_id);
  INSERT OR IGNORE INTO client_groups (group_name, client_id)
    SELECT groups.value, clients.id FROM clients, json_each(clients.groups_json) AS groups;
  CREATE TRIGGER client_groups_on_insert AFTER INSERT ON clients BEGIN
    INSERT OR IGNORE INTO client_groups (group_name, client_id) SELECT value, NEW.id FROM json_each(NEW.groups_json);
  END;
  CREATE TRIGGER client_groups_on_update AFTER UPDATE OF groups_json ON clients BEGIN
    DELETE FROM client_groups WHERE client_id = OLD.id;
    INSERT OR IGNORE INTO client_groups (group_name, client_id) SELECT value, NEW.id FROM json_each(NEW.groups_json);
  END;
  CREATE TRIGGER client_groups_on_delete AFTER DELETE ON clients BEGIN
    DELETE FROM client_groups WHERE client_id = OLD.id;
  END;
  `,
  `
  -- The admin Overview's counts (sqlite-overview-counts.ts), each from an index that covers
  -- its filter, so no row is read: clients by kind and suspension (not marked deleted), live
  -- sessions, audit events of some types since a time, and pending outbox entries by type.
  -- Not partial indexes: SQLite would read each row to check the index's WHERE again.
  CREATE INDEX clients_kind_suspended ON clients (kind, suspended, deletion_request_id);
  CREATE INDEX sessions_live ON sessions (revoked_at, expires_at);
  CREATE INDEX audit_events_type_at ON audit_events (type, at);
  CREATE INDEX outbox_pending_type ON outbox (delivered_at, type);
  `,
  `
  -- Access tokens revoked one by one at the OpenID Provider (sqlite-revoked-token-store.ts),
  -- by jti, until they expire: what the revocation list is refilled from.
  CREATE TABLE revoked_tokens (
    token_id   TEXT PRIMARY KEY,
    revoked_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at);
  `,
  `
  -- Whole grants revoked at the OpenID Provider too, by grant id ('grant'), until their last
  -- access token expires; the rows before this were single tokens.
  ALTER TABLE revoked_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'token';
  `,
];

/** Brings the schema of `db` up to date, in one transaction, under the write lock. */
export function migrate(db: Database.Database): void {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  if (version() > SCHEMA_MIGRATIONS.length) {
    throw new Error(
      `the database in DATA_DIR has schema version ${version()}, newer than this build knows (${SCHEMA_MIGRATIONS.length}); ` +
        'run a newer client-auth or point DATA_DIR elsewhere',
    );
  }
  if (version() === SCHEMA_MIGRATIONS.length) return;
  // Read the version again under the write lock: another process may have migrated meanwhile.
  db.transaction(() => {
    for (let next = version(); next < SCHEMA_MIGRATIONS.length; next++) db.exec(SCHEMA_MIGRATIONS[next]!);
    db.pragma(`user_version = ${SCHEMA_MIGRATIONS.length}`);
  }).immediate();
}
