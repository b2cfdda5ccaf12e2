/**
 * Drives RefreshToken (or the bridge's /refresh), which a fixed-request generator cannot:
 * each rotation retires the token it was given, so every call must carry the previous
 * answer's token. Logs in
 * `sessions` times, then runs that many chains of refreshes for the warm-up and the
 * measured time. A Node gRPC client, started by run.ts on the load generator's core;
 * announces refreshes per second and the failures by reason.
 */
import type { ServiceError } from '@grpc/grpc-js';
import { createClientAuthClient, errorDetailOf } from '../../src/sdk/typed-client.js';
import { announce, stopWithRunner } from './child.js';
import { percentile } from './load-generators.js';

interface Settings {
  /** The gRPC server (host:port), called with RefreshToken. */
  address: string;
  /** When set, the bridge (http://host:port) is driven instead, with POST /login and POST /refresh. */
  bridgeUrl?: string;
  /** The bridge's refresh cookie name. */
  refreshCookie?: string;
  email: string;
  password: string;
  sessions: number;
  warmUpSeconds: number;
  seconds: number;
}

/** Logs in and rotates a refresh token, over gRPC or through the bridge. */
interface Transport {
  login(): Promise<string>;
  rotate(refreshToken: string): Promise<string>;
}

function grpcTransport(settings: Settings): Transport {
  const api = createClientAuthClient(settings.address, { deadlineMs: 30_000 });
  stopWithRunner(async () => api.close());
  return {
    login: async () => (await api.login({ email: settings.email, password: settings.password })).refreshToken,
    rotate: async (refreshToken) => (await api.refreshToken({ refreshToken })).refreshToken,
  };
}

/** The bridge as a browser uses it: the refresh token only ever travels in its cookie. */
function bridgeTransport(settings: Settings): Transport {
  stopWithRunner(async () => {});
  const cookieName = settings.refreshCookie ?? 'refresh_token';
  const refreshCookieOf = async (response: Response): Promise<string> => {
    const body = await response.text();
    if (response.status !== 200) {
      const reason = (JSON.parse(body) as { reason?: string }).reason ?? `HTTP ${response.status}`;
      throw Object.assign(new Error(reason), { reason });
    }
    const cookie = response.headers.getSetCookie().find((header) => header.startsWith(`${cookieName}=`));
    return cookie!.slice(cookieName.length + 1, cookie!.indexOf(';'));
  };
  return {
    login: async () =>
      refreshCookieOf(
        await fetch(`${settings.bridgeUrl}/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ email: settings.email, password: settings.password }),
        }),
      ),
    rotate: async (refreshToken) =>
      refreshCookieOf(await fetch(`${settings.bridgeUrl}/refresh`, { method: 'POST', headers: { Cookie: `${cookieName}=${refreshToken}` } })),
  };
}

/**
 * A login, retried as a client should when the service sheds it: a phase just before may
 * have left the hashing queue full, and the service then says SERVER_BUSY rather than wait.
 */
async function loginWhenFree(transport: Transport): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transport.login();
    } catch (error) {
      const busy = (error as { reason?: string; details?: string }).reason === 'SERVER_BUSY' || /SERVER_BUSY|busy/i.test(String((error as Error).message));
      if (!busy || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2]!) as Settings;
  const transport = settings.bridgeUrl ? bridgeTransport(settings) : grpcTransport(settings);
  // One login at a time: bcrypt holds each for tens of milliseconds, and a burst of them
  // would only queue behind each other past the call deadline on a busy core.
  const logins: string[] = [];
  for (let session = 0; session < settings.sessions; session++) logins.push(await loginWhenFree(transport));
  const started = performance.now();
  const measureFrom = started + settings.warmUpSeconds * 1000;
  const measureUntil = measureFrom + settings.seconds * 1000;
  const latenciesMs: number[] = [];
  const failures: Record<string, number> = {};
  // The driver's own CPU over the measured window: near 1 means the figure is the driver's, not the server's.
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let driverCpuShare = 0;
  setTimeout(() => (cpuAtStart = process.cpuUsage()), settings.warmUpSeconds * 1000);
  setTimeout(
    () => {
      const used = process.cpuUsage(cpuAtStart);
      driverCpuShare = (used.user + used.system) / (settings.seconds * 1e6);
    },
    (settings.warmUpSeconds + settings.seconds) * 1000,
  );

  const chain = async (refreshToken: string) => {
    let token = refreshToken;
    while (performance.now() < measureUntil) {
      const sent = performance.now();
      try {
        token = await transport.rotate(token);
      } catch (error) {
        const reason = (error as { reason?: string }).reason || errorDetailOf(error as ServiceError)?.reason || `code ${(error as ServiceError).code}`;
        failures[reason] = (failures[reason] ?? 0) + 1;
        return;
      }
      const finished = performance.now();
      if (finished >= measureFrom && finished < measureUntil) latenciesMs.push(finished - sent);
    }
  };
  await Promise.all(logins.map((refreshToken) => chain(refreshToken)));

  announce({
    // Epoch milliseconds of the measured window, so the runner can take the server's CPU time over it.
    measuredFrom: performance.timeOrigin + measureFrom,
    measuredUntil: performance.timeOrigin + measureUntil,
    refreshes: latenciesMs.length,
    seconds: settings.seconds,
    perSecond: latenciesMs.length / settings.seconds,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    driverCpuShare,
    failures,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`refresh driver: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
