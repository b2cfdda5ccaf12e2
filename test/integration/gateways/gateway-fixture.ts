/**
 * What the gateway suites share: a real service (gRPC and the bridge) with an admin, a
 * user who logs in through the bridge like a browser, and the ways a session ends.
 */
import { randomBytes } from 'node:crypto';
import { identityInProcess } from '../../../bridge/routes/forward-auth.js';
import { startBridge } from '../../../bridge/server.js';
import { gatewayCheck } from '../../../src/transport/shared/gateway-identity.js';
import { recordingLogger, type Setup, setupEnv, startTestServer, type TestServer } from '../../support/server.js';
import { CookieClient, startTestBridge, type TestBridge } from '../bridge/bridge-fixture.js';

export const ADMIN = { email: 'gateway-admin@example.com', password: 'gateway admin password' };

/** How the bridge asks for the token check: over gRPC (bridge on its own) or in process (beside the server). */
export type BridgeMode = 'grpc' | 'in-process';
export const BRIDGE_MODES: readonly BridgeMode[] = ['grpc', 'in-process'];

export interface GatewayService {
  server: TestServer;
  bridge: TestBridge;
  adminToken: string;
  close(): Promise<void>;
}

export async function startGatewayService(
  ctx: Mocha.Context,
  setup: Setup,
  mode: BridgeMode,
  label: string,
  env: Record<string, string> = {},
): Promise<GatewayService> {
  const server = await startTestServer(setupEnv(setup, ctx, label, { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env }));
  const bridge = mode === 'grpc' ? await startTestBridge(server.address) : await inProcessBridge(server);
  const adminToken = (await server.api.login(ADMIN)).accessToken;
  return {
    server,
    bridge,
    adminToken,
    close: async () => {
      await bridge.close(1000);
      await server.close();
    },
  };
}

/** The bridge as `main.js all` runs it: forward auth calls the service in process. */
async function inProcessBridge(server: TestServer): Promise<TestBridge> {
  const logs: string[] = [];
  const log = recordingLogger(logs);
  const bridge = await startBridge(
    { ...server.config.bridge, host: '127.0.0.1', port: 0 },
    { log, upstream: server.address, identityOf: identityInProcess(gatewayCheck(server.app.useCases), log) },
  );
  return Object.assign(bridge, { logs });
}

export interface LoggedIn {
  id: string;
  email: string;
  password: string;
  /** The browser that logged in: it holds the cookies. */
  browser: CookieClient;
  /** The access token from its `token` cookie. */
  token: string;
}

/** Registers a user and logs it in through the bridge, as a browser would. */
export async function browserLogin(service: GatewayService): Promise<LoggedIn> {
  const email = `gw-${randomBytes(5).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const browser = new CookieClient(service.bridge.url);
  const registered = await browser.post('/register', { email, password, first_name: 'Gate', last_name: 'Way' });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${JSON.stringify(registered.body)}`);
  const login = await browser.post('/login', { email, password });
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
  return { id: login.body.client.id, email, password, browser, token: browser.cookie('token')! };
}

export async function suspend(service: GatewayService, clientId: string): Promise<void> {
  await service.server.api.suspendClient({ clientId, reason: 'gateway test' }, { token: service.adminToken });
}

export async function logout(user: LoggedIn): Promise<void> {
  const response = await user.browser.post('/logout');
  if (response.status !== 204) throw new Error(`logout answered ${response.status}`);
}
