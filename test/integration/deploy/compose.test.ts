/**
 * The Dockerfile and docker-compose.yml, checked without a Docker engine (none runs
 * here): both are parsed, and what can be known without building is asserted, above all
 * that the compose environment is one the service accepts (loadConfig succeeds on it)
 * and uses only variables the service really reads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { all, envOf, parseDockerfile, type Stage } from '../../support/dockerfile.js';
import { repoRoot } from '../../support/paths.js';

const root = repoRoot();
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// --- Compose interpolation ----------------------------------------------------------

/** Compose's variable substitution: ${V}, ${V:-default}, ${V-default}, ${V:?error}, ${V?error}, $V and $$. */
function interpolate(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name, colon, op, arg, bare) => {
    if (match === '$$') return '$';
    if (bare !== undefined) return vars[bare] ?? '';
    const given = vars[name];
    const missing = given === undefined || (colon === ':' && given === '');
    if (op === '-') return missing ? arg : given!;
    if (op === '?' && missing) throw new Error(`compose refuses to start: ${name}: ${arg}`);
    return given ?? '';
  });
}

function interpolateAll<T>(node: T, vars: Record<string, string | undefined>): T {
  if (typeof node === 'string') return interpolate(node, vars) as T;
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, vars)) as T;
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateAll(value, vars)])) as T;
  }
  return node;
}

interface ComposeService {
  build?: string | { context: string };
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number> | string[];
  ports?: (string | { target: number; published?: string | number })[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string; interval?: string; timeout?: string; retries?: number };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** A service's environment as a map, whichever of the two forms compose allows it is written in. */
function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(environment.map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value)]));
}

/** The container ports a service publishes. */
function containerPorts(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) => (typeof port === 'string' ? Number(port.split(':').pop()!.split('/')[0]) : port.target));
}

// --- What src/config/ reads -------------------------------------------------------

/** Every environment variable src/config/ reads, from its source: `read.x('NAME'` and `env['NAME']`. */
function variablesConfigReads(): Set<string> {
  const source = readdirSync(join(root, 'src/config'))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => read(`src/config/${name}`))
    .join('\n');
  const names = [...source.matchAll(/\bread\.\w+\(\s*'([A-Z][A-Z0-9_]*)'/g), ...source.matchAll(/\benv\[\s*'([A-Z][A-Z0-9_]*)'\s*\]/g)].map(
    (match) => match[1]!,
  );
  return new Set(names);
}

const ORIGINAL_NAMES = [
  'JWT_SECRET_KEY',
  'JWT_TOKEN_EXP_MIN',
  'DB_HOST',
  'DB_PORT',
  'DB_USER',
  'DB_PASSWORD',
  'DB_NAME',
  'REDIS_HOST',
  'REDIS_PORT',
  'REDIS_PASSWORD',
];

/** What an operator puts in .env: the three secrets compose requires, with characters a URI must escape. */
const SAMPLE_SECRETS = {
  JWT_SECRET_KEY: `${'k'.repeat(24)}/+=sample-secret-48-bytes`,
  DB_PASSWORD: 'db p@ss:w/rd?',
  REDIS_PASSWORD: 'redis p@ss#1',
  SMTP_URL: 'smtps://mailer:p%40ss@smtp.example.com',
  SMTP_FROM: 'Example <no-reply@example.com>',
};

describe('The Dockerfile', () => {
  let stages: Stage[];
  let runtime: Stage;
  const stageNamed = (name: string) => stages.find((stage) => stage.name === name);

  before(() => {
    stages = parseDockerfile(read('Dockerfile'));
    runtime = stages[stages.length - 1]!;
  });

  it('is multi-stage and ends in a node:24 slim runtime, the Node the toolchain stage compiled for', () => {
    expect(stages.length).to.be.greaterThan(1);
    expect(runtime.image).to.match(/^node:24[\w.-]*-slim$/);
    // The native modules (bcrypt, better-sqlite3) run on the Node whose headers built them.
    expect(stages[0]!.image).to.equal(runtime.image);
  });

  it('runs as a non-root user', () => {
    const users = all(runtime, 'USER');
    expect(users).to.have.lengthOf(1);
    expect(users[0]!.split(':')[0]).to.not.be.oneOf(['root', '0', '']);
  });

  it('exposes the gRPC port and the bridge port the service listens on by default', () => {
    const exposed = all(runtime, 'EXPOSE').flatMap((args) => args.split(/\s+/));
    const defaults = loadConfig({});
    expect(exposed).to.include.members([String(defaults.grpc.port), String(defaults.bridge.port)]);
  });

  it('installs only production dependencies in the runtime, built in a stage with the compilers', () => {
    const copies = all(runtime, 'COPY');
    const modulesCopy = copies.find((args) => /\bnode_modules\b/.test(args));
    expect(modulesCopy, 'the runtime copies node_modules from a stage').to.match(/--from=(\S+)/);
    const source = stageNamed(/--from=(\S+)/.exec(modulesCopy!)![1]!);
    expect(source, 'the stage node_modules comes from').to.not.equal(undefined);
    const installs = all(source!, 'RUN').filter((args) => /\bnpm (ci|install)\b/.test(args));
    expect(installs).to.have.lengthOf(1);
    expect(installs[0]).to.match(/\bnpm ci\b.*--omit=dev/);
    // bcrypt and better-sqlite3 compile from source there: the stage or its base has a C++ toolchain.
    const lineage = [source!, ...(stageNamed(source!.image) ? [stageNamed(source!.image)!] : [])];
    expect(lineage.flatMap((stage) => all(stage, 'RUN')).join('\n')).to.match(/apt-get install[^\n]*\bg\+\+/);
    // The runtime itself installs nothing: no compilers, no dev dependencies.
    expect(all(runtime, 'RUN').join('\n')).not.to.match(/apt-get install|npm (ci|install)/);
  });

  it('has a health check that runs the compiled src/cli/healthcheck.ts', () => {
    const healthchecks = all(runtime, 'HEALTHCHECK');
    expect(healthchecks).to.have.lengthOf(1);
    const command = JSON.parse(/\bCMD\s+(\[.*\])\s*$/.exec(healthchecks[0]!)![1]!) as string[];
    expect(command).to.deep.equal(['node', 'dist/src/cli/healthcheck.js']);
    expect(() => read('src/cli/healthcheck.ts')).not.to.throw();
  });

  it('starts main.js with the role as the command: all by default', () => {
    expect(JSON.parse(all(runtime, 'ENTRYPOINT')[0]!)).to.deep.equal(['node', 'dist/src/main.js']);
    expect(JSON.parse(all(runtime, 'CMD')[0]!)).to.deep.equal(['all']);
    expect(envOf(runtime)).to.include({ NODE_ENV: 'production' });
  });

  it('builds from every source folder the build tsconfig compiles, and .dockerignore lets each through', () => {
    const build = stages.find((stage) => all(stage, 'RUN').some((args) => /\btsc\b/.test(args)))!;
    expect(build, 'a stage runs tsc').to.not.equal(undefined);
    const copied = [...stages.flatMap((stage) => all(stage, 'COPY'))]
      .filter((args) => !args.startsWith('--from'))
      .flatMap((args) =>
        args
          .replace(/--\S+\s+/g, '')
          .split(/\s+/)
          .slice(0, -1),
      );
    const include = (JSON.parse(read('tsconfig.build.json')) as { include: string[] }).include;
    expect(include, 'the image is built without the tests').not.to.include('test');
    expect(copied).to.include.members(['package.json', 'package-lock.json', 'tsconfig.build.json', ...include]);

    const ignore = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(ignore[0], '.dockerignore starts by excluding everything').to.equal('*');
    const allowed = ignore.filter((line) => line.startsWith('!')).map((line) => line.slice(1).replace(/\/$/, ''));
    for (const path of copied) expect(allowed, `.dockerignore must let ${path} through`).to.include(path.replace(/\/$/, ''));
    expect(allowed.some((path) => /env|secret|\.cache|node_modules|dist|data/i.test(path))).to.equal(false);
  });
});

describe('docker-compose.yml', () => {
  let raw: ComposeFile;
  let services: ComposeFile['services'];
  let clientAuth: ComposeService;
  /** What the image itself sets (NODE_ENV=production), under what compose adds. */
  let runtimeEnv: Record<string, string>;

  before(() => {
    raw = parseYaml(read('docker-compose.yml')) as ComposeFile;
    services = interpolateAll(raw, SAMPLE_SECRETS).services;
    clientAuth = services['client-auth']!;
    runtimeEnv = envOf(parseDockerfile(read('Dockerfile')).at(-1)!);
  });

  it('runs client-auth (built from the Dockerfile) with MongoDB 7 and Redis 7', () => {
    expect(Object.keys(services)).to.have.members(['client-auth', 'mongo', 'redis']);
    expect(clientAuth.build === '.' || (typeof clientAuth.build === 'object' && clientAuth.build.context === '.')).to.equal(true);
    expect(services['mongo']!.image).to.match(/^mongo:7(\.|$)/);
    expect(services['redis']!.image).to.match(/^redis:7(\.|$)/);
  });

  it('gives every service a health check, and starts client-auth only once both stores are healthy', () => {
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck?.test, `${name} health check`).to.not.be.empty;
    expect(clientAuth.depends_on).to.deep.equal({ mongo: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
  });

  it('publishes the gRPC, bridge and metrics ports, and neither store', () => {
    const config = loadConfig({ ...runtimeEnv, ...environmentOf(clientAuth) });
    expect(containerPorts(clientAuth)).to.have.members([config.grpc.port, config.bridge.port, config.metricsPort!]);
    expect(services['mongo']!.ports ?? []).to.be.empty;
    expect(services['redis']!.ports ?? []).to.be.empty;
  });

  it('passes client-auth only variables src/config/index.ts reads, including all the original names', () => {
    const known = variablesConfigReads();
    // The extraction itself must work, or the next check would pass on nothing.
    expect([...known]).to.include.members([...ORIGINAL_NAMES, 'NODE_ENV', 'METRICS_PORT', 'LOG_LEVEL']);
    const given = Object.keys(environmentOf(raw.services['client-auth']!));
    expect(
      given.filter((name) => !known.has(name)),
      'variables config.ts never reads',
    ).to.be.empty;
    expect(given).to.include.members(ORIGINAL_NAMES);
  });

  it('is accepted by loadConfig as a production MongoDB + Redis set-up with the given secrets', () => {
    const config = loadConfig({ ...runtimeEnv, ...environmentOf(clientAuth) });
    expect(config.production).to.equal(true);
    expect(config.jwt.accessTokenTtlSeconds).to.equal(15 * 60);
    expect(config.stores).to.deep.equal({
      kind: 'shared',
      mongo: {
        uri: `mongodb://client_auth:${encodeURIComponent(SAMPLE_SECRETS.DB_PASSWORD)}@mongo:27017/?authSource=admin`,
        dbName: 'client_auth',
        socketTimeoutMs: 30_000,
      },
      redis: { kind: 'standalone', url: `redis://:${encodeURIComponent(SAMPLE_SECRETS.REDIS_PASSWORD)}@redis:6379`, replicaAcks: 0, replicaAckTimeoutMs: 1000 },
    });
    expect(config.signing).to.include({ algorithm: 'HS256', secret: SAMPLE_SECRETS.JWT_SECRET_KEY });
    expect(config.metricsPort).to.equal(9464);
  });

  it('creates the MongoDB root user and the Redis password from the same variables client-auth uses', () => {
    const env = environmentOf(clientAuth);
    expect(environmentOf(services['mongo']!)).to.deep.equal({ MONGO_INITDB_ROOT_USERNAME: env['DB_USER'], MONGO_INITDB_ROOT_PASSWORD: env['DB_PASSWORD'] });
    const redis = services['redis']!;
    expect(environmentOf(redis)).to.deep.equal({ REDIS_PASSWORD: env['REDIS_PASSWORD'] });
    expect([redis.command].flat().join(' ')).to.include('--requirepass "$REDIS_PASSWORD"');
    expect([redis.healthcheck!.test].flat().join(' ')).to.include('REDISCLI_AUTH="$REDIS_PASSWORD"');
  });

  it('refuses to start without each secret, naming it', () => {
    for (const name of Object.keys(SAMPLE_SECRETS)) {
      const withoutIt = { ...SAMPLE_SECRETS, [name]: undefined };
      expect(() => interpolateAll(raw, withoutIt), name).to.throw(new RegExp(`${name}: set ${name}`));
    }
  });

  it('honours the original JWT_TOKEN_EXP_MIN and rejects a JWT secret shorter than 32 bytes', () => {
    const longer = interpolateAll(raw, { ...SAMPLE_SECRETS, JWT_TOKEN_EXP_MIN: '60' }).services['client-auth']!;
    expect(loadConfig({ ...runtimeEnv, ...environmentOf(longer) }).jwt.accessTokenTtlSeconds).to.equal(3600);
    const weak = interpolateAll(raw, { ...SAMPLE_SECRETS, JWT_SECRET_KEY: 'too-short' }).services['client-auth']!;
    expect(() => loadConfig({ ...runtimeEnv, ...environmentOf(weak) })).to.throw(ConfigError, /JWT_SECRET_KEY must be at least 32 bytes/);
  });
});
