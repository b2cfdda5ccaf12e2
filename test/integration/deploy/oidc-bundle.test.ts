/**
 * The OpenID Provider as deployments run it: `node dist/src/main.js`, which runs the bundle
 * (docs/adr/0004-bundled-start.md), not the compiled modules the other OIDC suites load.
 * oidc-provider names its models by their classes' names, so a bundle that loses those
 * names would serve tokens the provider cannot look up or time.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { decodeJwt } from 'jose';
import { ClientKind } from '../../../gen/clientauth/v1/client.js';
import { createClientAuthClient } from '../../../src/sdk/typed-client.js';
import { runMain, type StartedMain } from '../../support/main-process.js';
import { freePort, repoRoot } from '../../support/paths.js';
import { embeddedEnv } from '../../support/server.js';

const ADMIN = { email: 'oidc-bundle-admin@example.com', password: 'an admin password for the bundle' };

describe('node dist/src/main.js (the bundle) serves the OpenID Provider', function () {
  this.timeout(30000);
  let started: StartedMain;
  let bridgeUrl: string;
  let api: ReturnType<typeof createClientAuthClient>;

  before(async () => {
    expect(existsSync(join(repoRoot(), 'dist/bundle/start.js')), 'the bundle is built').to.equal(true);
    const bridgePort = await freePort();
    bridgeUrl = `http://127.0.0.1:${bridgePort}`;
    const env = embeddedEnv({
      LOG_LEVEL: 'info',
      JWT_ALGORITHM: 'ES256',
      KEY_ENCRYPTION_KEY: randomBytes(48).toString('base64url'),
      BRIDGE_HOST: '127.0.0.1',
      BRIDGE_PORT: String(bridgePort),
      PUBLIC_URL: bridgeUrl,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    delete env['JWT_SECRET_KEY'];
    started = await runMain([], env, ['gRPC server listening', 'bridge listening']);
    const grpcPort = started.lines.find((entry) => entry['msg'] === 'gRPC server listening')!['port'] as number;
    api = createClientAuthClient(`127.0.0.1:${grpcPort}`);
  });
  after(async () => {
    api?.close();
    if (started && started.child.exitCode === null) {
      started.child.kill('SIGTERM');
      await started.exit;
    }
  });

  it('gives a service client a token that expires, carries its kind and id, and ValidateToken accepts as that service', async () => {
    const admin = (await api.login(ADMIN)).accessToken;
    const registered = await api.registerService({ email: 'oidc-bundle-service@example.com', name: 'bundle service', groups: ['billing'] }, { token: admin });
    const id = registered.client!.id;
    const answer = await fetch(`${bridgeUrl}/oidc/token`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${id}:${registered.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(answer.status).to.equal(200);
    const body = (await answer.json()) as { access_token: string; expires_in?: number };
    expect(body.expires_in, 'expires_in').to.be.a('number').above(0);
    const claims = decodeJwt(body.access_token);
    expect(claims.exp, 'exp').to.be.a('number');
    expect(claims).to.include({ sub: id, id, kind: 'service' });
    const principal = await api.validateToken({ token: body.access_token });
    expect(principal).to.include({ clientId: id, kind: ClientKind.CLIENT_KIND_SERVICE });
    expect(principal.groups).to.have.members(['service', 'billing']);
  });
});

/** Where the bundle calls esbuild's `__name` helper, as the source files those calls came from. */
function sourcesNamedAtRunTime(): Set<string> {
  const dir = join(repoRoot(), 'dist/bundle');
  const sources = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.js'))) {
    const map = new SourceMap(JSON.parse(readFileSync(join(dir, `${file}.map`), 'utf8')));
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, lineNumber) => {
        for (const call of line.matchAll(/\b__name\d*\(/g)) {
          const entry = map.findEntry(lineNumber, call.index) as { originalSource?: string };
          if (entry.originalSource) sources.add(entry.originalSource);
        }
      });
  }
  return sources;
}

describe('The bundle keeps function names only where they are read', () => {
  it("names oidc-provider's functions, and none of Koa's or the service's, which run at every request", () => {
    const sources = [...sourcesNamedAtRunTime()];
    const oidcProvider = /node_modules\/oidc-provider\//;
    expect(
      sources.some((source) => oidcProvider.test(source)),
      "oidc-provider's names kept",
    ).to.equal(true);
    expect(sources.filter((source) => !oidcProvider.test(source))).to.deep.equal([]);
  });
});
