/**
 * The routes the bridge's routers register, read from a real app built as the bridge
 * builds it (bridge/app.ts), in each configuration that changes which routes there are:
 * the hosted pages on (with and without passkeys: POST /sign-in/passkey) and off (the bare
 * reset page and GET /verify-email).
 */
import { createBridgeApp } from '../../bridge/app.js';
import { type RegisteredRoute, registeredRoutes } from '../../bridge/routes/route-access.js';
import type { UpstreamHealth, UpstreamStatus } from '../../bridge/upstream-health.js';
import { loadConfig } from '../../src/config/index.js';
import type { ClientAuthCalls } from '../../src/sdk/typed-client.js';
import { recordingLogger } from './server.js';

/** Routes are read, never called: the app needs no service behind it. */
const NO_SERVICE = new Proxy({} as ClientAuthCalls, {
  get: (_, name) => () => Promise.reject(new Error(`${String(name)}: no service in a route listing`)),
});
const NO_HEALTH: UpstreamHealth = { check: async (): Promise<UpstreamStatus> => 'UNKNOWN', close: () => {} };

export function bridgeAppRoutes(env: Record<string, string>): RegisteredRoute[] {
  const config = loadConfig({ BRIDGE_HOST: '127.0.0.1', BRIDGE_PORT: '0', ...env });
  return registeredRoutes(createBridgeApp({ config: config.bridge, api: NO_SERVICE, health: NO_HEALTH, log: recordingLogger([]) }));
}

const CONFIGURATIONS: readonly Record<string, string>[] = [
  { UI_ENABLED: 'true' },
  { UI_ENABLED: 'true', WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: 'http://localhost:8000' },
  { UI_ENABLED: 'false' },
];

/** Every route of the bridge, in any configuration. */
export function everyBridgeRoute(): RegisteredRoute[] {
  const routes = new Map<string, RegisteredRoute>();
  for (const env of CONFIGURATIONS) {
    for (const route of bridgeAppRoutes(env)) routes.set(`${route.method} ${route.path}`, route);
  }
  return [...routes.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** A value for each path parameter the routers use. */
const SAMPLES: Record<string, string> = { id: '0190a6f2-7c1e-7000-8000-000000000001', file: 'sample.css', uid: 'sample-interaction' };

/** The route's path with a sample value for each parameter (`/passkeys/:id` → `/passkeys/0190a6f2-…`). */
export function samplePath(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const sample = SAMPLES[name];
    if (sample === undefined) throw new Error(`no sample value for :${name} in ${path}; add one to SAMPLES`);
    return sample;
  });
}

/** Paths that only start like a public route: a gateway must check them and send them to the application. */
export const NEAR_MISSES: readonly string[] = [
  '/registerx',
  '/login/complete/x',
  '/loginx',
  '/sign-inx',
  '/accountx/page',
  '/assets/a/b',
  '/.well-known/other',
  '/me-too',
  '/sign-upx',
];
