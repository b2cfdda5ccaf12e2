import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { repoRoot } from '../../support/paths.js';
import { embeddedEnv, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

/** The line test/support/report-packages.ts writes at exit (a preload script, so not imported here). */
const PACKAGES_LINE = 'loaded-packages:';
const BUNDLE_LINE = 'bundle-files:';

/** The bundle's files that hold a driver, found by a class only that driver defines. */
function bundleFilesHolding(marker: RegExp): string[] {
  const dir = join(repoRoot(), 'dist/bundle');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.js') && marker.test(readFileSync(join(dir, name), 'utf8')))
    .map((name) => join(dir, name));
}
const MONGODB_DRIVER = /\bMongoServerSelectionError=class\b/;
const IOREDIS = /\b_?Redis extends Commander_/;
/** A warning of oidc-provider's own, on a Node release it does not support. */
const OIDC_PROVIDER = /Unsupported runtime\. Use Node\.js v22/;
/** iconv-lite's own message for an encoding it does not know. */
const ICONV_LITE = /Encoding not recognized: /;

/**
 * Starts `script` (by default dist/src/bootstrap/start.js, the composition root unbundled, so that the
 * packages inside the bundle are seen too) with `env` until it serves, stops it, and
 * returns the npm packages it loaded and the files of the bundle it imported; `visit` makes
 * its requests to the bridge before it is stopped.
 */
async function loadedBy(
  env: Record<string, string>,
  script = 'dist/src/bootstrap/start.js',
  visit: (bridgeUrl: string) => Promise<void> = async () => {},
): Promise<{ packages: string[]; bundleFiles: string[] }> {
  const preload = join(repoRoot(), 'dist/test/support/report-packages.js');
  const child = spawn(process.execPath, ['--import', pathToFileURL(preload).href, join(repoRoot(), script)], {
    env: { PATH: process.env['PATH'] ?? '', GRPC_PORT: '0', BRIDGE_HOST: '127.0.0.1', BRIDGE_PORT: '0', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const bridgePort = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const listening = stdout.split('\n').find((entry) => entry.includes('"msg":"bridge listening"'));
      if (listening) resolve((JSON.parse(listening) as { port: number }).port);
    });
    void exited.then(() => reject(new Error(`main.js exited before serving: ${stderr}`)));
  });
  await visit(`http://127.0.0.1:${bridgePort}`);
  child.kill('SIGTERM');
  await exited;
  const line = stderr.split('\n').find((entry) => entry.startsWith(PACKAGES_LINE));
  const bundleLine = stderr.split('\n').find((entry) => entry.startsWith(BUNDLE_LINE));
  if (!line || !bundleLine) throw new Error(`no list of loaded packages: ${stderr}`);
  return { packages: line.slice(PACKAGES_LINE.length).split(','), bundleFiles: bundleLine.slice(BUNDLE_LINE.length).split(',').filter(Boolean) };
}

async function packagesLoadedBy(env: Record<string, string>): Promise<string[]> {
  return (await loadedBy(env)).packages;
}

describe('Start-up loads only what the configuration uses', function () {
  this.timeout(30000);

  it('loads neither the MongoDB driver nor ioredis nor prom-client on the embedded default, nor nodemailer, the WebAuthn, QR code or reflection libraries (nor protobufjs), nor the password-strength estimator, before they are used', async () => {
    const packages = await packagesLoadedBy(embeddedEnv());
    expect(packages).to.include('better-sqlite3');
    const unused = [
      'mongodb',
      'ioredis',
      'prom-client',
      'nodemailer',
      '@simplewebauthn/server',
      'qrcode',
      '@grpc/reflection',
      '@grpc/proto-loader',
      'protobufjs',
      '@zxcvbn-ts/core',
    ];
    expect(packages.filter((name) => unused.includes(name))).to.deep.equal([]);
  });

  it('runs the bundle from main.js, with the native modules outside it, and neither driver loaded on the embedded default', async () => {
    const { packages, bundleFiles } = await loadedBy(embeddedEnv(), 'dist/src/main.js');
    expect(bundleFiles).to.include(join(repoRoot(), 'dist/bundle/start.js'));
    expect(packages).to.include.members(['bcrypt', 'better-sqlite3']);
    expect(
      packages.filter((name) =>
        ['mongodb', 'ioredis', 'prom-client', 'nodemailer', '@simplewebauthn/server', '@grpc/reflection', '@zxcvbn-ts/core'].includes(name),
      ),
    ).to.deep.equal([]);
    const drivers = [...bundleFilesHolding(MONGODB_DRIVER), ...bundleFilesHolding(IOREDIS)];
    expect(drivers, 'the bundle holds both drivers').to.have.length.of.at.least(2);
    expect(bundleFiles.filter((file) => drivers.includes(file))).to.deep.equal([]);
  });

  it('runs the bundle on the shared set-up too, with the drivers from their own chunks and better-sqlite3 unloaded', async function () {
    const { packages, bundleFiles } = await loadedBy(testEnv(requireServices(this), 'module_loading_bundle'), 'dist/src/main.js');
    expect(bundleFiles).to.include.members([...bundleFilesHolding(MONGODB_DRIVER), ...bundleFilesHolding(IOREDIS)]);
    expect(packages).to.not.include('better-sqlite3');
  });

  it('runs unbundled from main.js when tracing is on, so that the tracing hooks see each package load', async () => {
    const { packages, bundleFiles } = await loadedBy(embeddedEnv({ OTEL_TRACES_EXPORTER: 'console' }), 'dist/src/main.js');
    expect(bundleFiles).to.deep.equal([]);
    expect(packages).to.include.members(['@grpc/grpc-js', 'koa', '@opentelemetry/instrumentation-grpc']);
  });

  it('loads oidc-provider at the first OpenID Provider request, not at start, on both set-ups', async function () {
    // Unbundled, each package is seen as it loads; bundled, the chunk that holds the provider is not imported.
    expect(await packagesLoadedBy(embeddedEnv())).to.not.include('oidc-provider');
    expect(await packagesLoadedBy(testEnv(requireServices(this), 'module_loading_oidc'))).to.not.include('oidc-provider');
    const provider = bundleFilesHolding(OIDC_PROVIDER);
    expect(provider, 'the bundle holds oidc-provider').to.have.length.of.at.least(1);
    for (const env of [embeddedEnv(), testEnv(requireServices(this), 'module_loading_oidc_bundle')]) {
      const { bundleFiles } = await loadedBy(env, 'dist/src/main.js');
      expect(bundleFiles.filter((file) => provider.includes(file))).to.deep.equal([]);
    }
  });

  it('answers OpenID Provider requests in HS256 mode without loading oidc-provider', async () => {
    const visited: number[] = [];
    const { packages } = await loadedBy(embeddedEnv(), undefined, async (bridgeUrl) => {
      for (const path of ['/.well-known/openid-configuration', '/oidc/auth?client_id=x', '/oidc/token']) {
        visited.push((await fetch(`${bridgeUrl}${path}`, { method: path === '/oidc/token' ? 'POST' : 'GET' })).status);
      }
    });
    expect(visited).to.deep.equal([404, 404, 404]);
    expect(packages).to.not.include('oidc-provider');
  });

  it('loads raw-body and iconv-lite at the first request body read, not at start, on both set-ups', async function () {
    for (const env of [embeddedEnv(), testEnv(requireServices(this), 'module_loading_raw_body')]) {
      const packages = await packagesLoadedBy(env);
      expect(packages.filter((name) => ['raw-body', 'iconv-lite'].includes(name))).to.deep.equal([]);
    }
    const decoders = bundleFilesHolding(ICONV_LITE);
    expect(decoders, 'the bundle holds iconv-lite').to.have.length.of.at.least(1);
    const { bundleFiles } = await loadedBy(embeddedEnv(), 'dist/src/main.js');
    expect(bundleFiles.filter((file) => decoders.includes(file))).to.deep.equal([]);
  });

  it('loads prom-client once METRICS_PORT is set', async () => {
    const packages = await packagesLoadedBy(embeddedEnv({ METRICS_PORT: '0' }));
    expect(packages).to.include('prom-client');
  });

  it('does not load better-sqlite3 on the shared set-up (MongoDB and Redis)', async function () {
    const packages = await packagesLoadedBy(testEnv(requireServices(this), 'module_loading'));
    expect(packages).to.include.members(['mongodb', 'ioredis']);
    expect(packages).to.not.include('better-sqlite3');
  });
});
