/**
 * Which of the bridge's routers a request passes through (issue #33): each @koa/router a
 * request crosses reads the Host header, logs through `debug` and tests the path against
 * every route it holds, whatever the path. A request is dispatched only by the routers
 * that hold a route its path can match; the others pass it on untouched, and every answer
 * stays what it was (the route suites check them; a few are repeated here beside the count).
 * The count is read from the routers' own `debug` lines ("GET /me", one per router crossed).
 */
import { createRequire } from 'node:module';
import { format } from 'node:util';
import { expect } from 'chai';
import { SETUP_TITLES, SETUPS, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startBridgeFor, type TestBridge } from './bridge-fixture.js';

const PASSWORD = 'a dispatching password';

/** The `debug` package @koa/router logs through (it ships no types). */
const createDebug = createRequire(import.meta.url)('debug') as {
  log: (...args: unknown[]) => void;
  enable(namespaces: string): void;
  disable(): string;
};

/** The lines @koa/router's `debug` writes while `run` runs. */
async function routerLines(run: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const log = createDebug.log;
  const enabled = createDebug.disable();
  createDebug.log = (...args: unknown[]) => lines.push(format(...args));
  createDebug.enable('koa-router');
  try {
    await run();
  } finally {
    createDebug.disable();
    if (enabled) createDebug.enable(enabled);
    createDebug.log = log;
  }
  return lines;
}

/** The routers that dispatched `method path`: each writes "METHOD PATH" once as it starts. */
const dispatches = (lines: string[], method: string, path: string) => lines.filter((line) => line.includes(`koa-router ${method} ${path}`)).length;

for (const setup of SETUPS)
  describe(`The routers a bridge request passes through (${SETUP_TITLES[setup]})`, function () {
    this.timeout(30000);
    let server: TestServer;
    let bridge: TestBridge;

    before(async function () {
      server = await startTestServer(setupEnv(setup, this, 'route_dispatch'));
      bridge = await startBridgeFor(server, 'in-process');
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    it('dispatches GET /me by one router, and answers it as before', async () => {
      const browser = new CookieClient(bridge.url);
      const email = `dispatch.${Date.now()}@example.com`;
      expect(
        (await browser.post('/register', { email, password: PASSWORD, first_name: 'Ada', last_name: 'L', phone_number: '', attributes: {} })).status,
      ).to.equal(201);
      expect((await browser.post('/login', { email, password: PASSWORD })).status).to.equal(200);
      let answer: Awaited<ReturnType<CookieClient['get']>> | undefined;
      const lines = await routerLines(async () => {
        answer = await browser.get('/me');
      });
      expect(answer?.status).to.equal(200);
      expect(answer?.body.client.email).to.equal(email);
      expect(dispatches(lines, 'GET', '/me')).to.equal(1);
    });

    it('still answers the routes of the routers a /me skips: the provider, the JWKS, and a wrong method', async () => {
      const browser = new CookieClient(bridge.url);
      const lines = await routerLines(async () => {
        expect((await browser.get('/.well-known/jwks.json')).status).to.equal(200);
        expect((await browser.get('/.well-known/openid-configuration')).status).to.be.oneOf([200, 404]);
        // Answered by the provider's route: a reason of its own, not the bridge's 404 of an unknown path.
        const authorize = await browser.get('/oidc/authorize');
        expect(authorize.body?.reason ?? authorize.status).to.not.equal('NOT_FOUND');
      });
      expect(dispatches(lines, 'GET', '/.well-known/jwks.json')).to.be.at.least(1);
      expect(dispatches(lines, 'GET', '/oidc/authorize')).to.be.at.least(1);
      const wrongMethod = await fetch(`${bridge.url}/me`, { method: 'PUT', headers: { Origin: bridge.url } });
      expect(wrongMethod.status).to.be.oneOf([405, 501]);
      const unknown = await fetch(`${bridge.url}/no-such-route`);
      expect(unknown.status).to.equal(404);
    });
  });
