/**
 * `node dist/src/main.js import-original --from <mongodb uri> [--from-redis <redis uri>] [--apply] [--keep-admin <id|email>]... [--json]`
 *
 * Reads the original service's clients (database DB_NAME, or --from-db, collection `users`) and writes
 * them into the store this service is configured with, and with --from-redis the suspensions
 * the original kept only in its Redis. Dry run by default. The summary goes to stdout,
 * progress and logs to stderr. Exit status: 0 when every document is carried (or already
 * was), 3 when some were refused, 64 for a usage error, 69 when the original's Redis cannot
 * be read (nothing is written), 78 for a configuration error.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp } from '../../bootstrap/composition.js';
import { type Config, ConfigError } from '../../config/index.js';
import { isImportedClientId } from '../../domain/kernel/imported-clients.js';
import * as v from '../../domain/kernel/validation.js';
import { createLogger } from '../../observability/logging.js';
import { type ImportProgress, importOriginal } from './import-run.js';
import { OriginalRedisError, type OriginalSuspension, readOriginalSuspensions } from './original-redis.js';
import { openOriginalSource } from './original-source.js';
import { formatSummary } from './summary-text.js';

const EXIT_REFUSED = 3;
const EXIT_USAGE = 64;
const EXIT_UNAVAILABLE = 69;
const EXIT_CONFIG = 78;
const PROGRESS_EVERY_MS = 1000;

/** The options of the command line; throws on an unknown or malformed one. */
function commandLine(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      from: { type: 'string' },
      'from-db': { type: 'string' },
      'from-redis': { type: 'string' },
      apply: { type: 'boolean', default: false },
      'keep-admin': { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

type CommandLine = ReturnType<typeof commandLine>;

export async function runImportOriginal(argv: readonly string[], loadConfig: () => Config): Promise<number> {
  let args: CommandLine;
  try {
    args = commandLine(argv);
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const from = args.from;
  if (from === undefined || !/^mongodb(\+srv)?:\/\//.test(from)) return usage("--from <mongodb:// uri of the original service's MongoDB> is required");
  const fromRedis = args['from-redis'];
  if (fromRedis !== undefined && !/^rediss?:\/\//.test(fromRedis)) return usage("--from-redis takes the redis:// uri of the original service's Redis");
  let keepAdmin: Set<string>;
  try {
    keepAdmin = new Set(
      args['keep-admin']
        .flatMap((value) => value.split(','))
        .map((value) => value.trim())
        .filter((value) => value !== '')
        .map(adminKey),
    );
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }

  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`import-original: configuration error: ${error.message}\n`);
    return EXIT_CONFIG;
  }
  const dbName = args['from-db'] ?? config.originalDbName;
  if (dbName === null || !/^[A-Za-z0-9_-]{1,63}$/.test(dbName))
    return usage("the original service's database: set DB_NAME as it had it, or pass --from-db <name>");
  // Read first and whole: a Redis that cannot be read must stop the import before it writes anything.
  let originalSuspensions: Map<string, OriginalSuspension> | undefined;
  if (fromRedis !== undefined) {
    try {
      originalSuspensions = await readOriginalSuspensions(fromRedis, config.startupTimeoutMs, Date.now);
    } catch (error) {
      if (!(error instanceof OriginalRedisError)) throw error;
      process.stderr.write(`import-original: ${error.message}: nothing written\n`);
      return EXIT_UNAVAILABLE;
    }
  }
  const log = createLogger(config.logLevel, 'client-auth-import', pino.destination(2));
  const source = await openOriginalSource(from, dbName, config.startupTimeoutMs);
  try {
    const app = await buildApp(config, log);
    try {
      const summary = await importOriginal(
        source,
        { clients: app.adapters.clients, revocations: app.adapters.revocations },
        {
          apply: args.apply,
          keepAdmin,
          ...(originalSuspensions ? { originalSuspensions } : {}),
          progress: progressReporter(),
        },
      );
      process.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary, dbName));
      return summary.refused.length > 0 || summary.duplicates.length > 0 ? EXIT_REFUSED : 0;
    } finally {
      await app.close();
    }
  } finally {
    await source.close();
  }
}

/** An id as stored, or an email normalised as the import compares them. */
function adminKey(value: string): string {
  if (isImportedClientId(value.toLowerCase())) return value.toLowerCase();
  return v.normalizeEmail('--keep-admin', value);
}

function progressReporter(): (progress: ImportProgress) => void {
  let last = 0;
  let lastPhase = '';
  const started = Date.now();
  return ({ phase, done, total }) => {
    const now = Date.now();
    if (phase === lastPhase && done < total && now - last < PROGRESS_EVERY_MS) return;
    last = now;
    lastPhase = phase;
    const seconds = ((now - started) / 1000).toFixed(1);
    process.stderr.write(`import-original: ${phase}: ${done}/${total} documents (${seconds} s)\n`);
  };
}

function usage(message: string): number {
  process.stderr.write(
    `import-original: ${message}\n` +
      'usage: import-original --from <mongodb uri> [--from-db <name>] [--from-redis <redis uri>] [--apply] [--keep-admin <id or email>]... [--json]\n' +
      '  reads <DB_NAME or --from-db>.users of the original service; the target is the store this service is configured with\n',
  );
  return EXIT_USAGE;
}
