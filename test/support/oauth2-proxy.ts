/**
 * oauth2-proxy (built by .ci/run into .cache/bin) in front of a tiny upstream of the test's
 * own, signing users in through client-auth's OpenID Provider as any deployment would
 * configure it: provider `oidc`, our issuer found by discovery, a client registered with us,
 * PKCE S256, and a short --cookie-refresh so a test sees the next refresh happen.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from './eventually.js';
import { freePort } from './paths.js';

/** The upstream oauth2-proxy protects: answers every request with who oauth2-proxy says is calling. */
export interface Upstream {
  url: string;
  /** Requests that reached it, with the identity headers oauth2-proxy set. */
  requests: Array<{ path: string; user: string | undefined; email: string | undefined }>;
  close(): Promise<void>;
}

export const UPSTREAM_GREETING = 'Hello from the protected upstream';

export async function startUpstream(): Promise<Upstream> {
  const requests: Upstream['requests'] = [];
  const server: Server = createServer((request, response) => {
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    requests.push({ path: request.url ?? '', user: header('x-forwarded-user'), email: header('x-forwarded-email') });
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html><html><head><title>upstream</title></head><body><h1>${UPSTREAM_GREETING}</h1></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface OAuth2ProxyOptions {
  binary: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  upstream: string;
  /** The port it listens on; its redirect URI is http://127.0.0.1:<port>/oauth2/callback. */
  port: number;
  /** After how long a session is refreshed with its refresh token at the next request. */
  cookieRefresh: string;
  scope: string;
}

export interface RunningOAuth2Proxy {
  url: string;
  /** What it logged (stdout and stderr), for the assertions and for a failure's message. */
  output(): string;
  stop(): Promise<void>;
}

/** The redirect URI oauth2-proxy on `port` sends to the provider; register exactly this one. */
export function oauth2ProxyRedirectUri(port: number): string {
  return `http://127.0.0.1:${port}/oauth2/callback`;
}

/**
 * The flags, as docs/oidc.md shows them. http on loopback only: the cookie is not Secure here,
 * as it must be in production.
 */
export function oauth2ProxyArgs(options: OAuth2ProxyOptions): string[] {
  return [
    '--provider=oidc',
    `--oidc-issuer-url=${options.issuer}`,
    `--client-id=${options.clientId}`,
    `--client-secret=${options.clientSecret}`,
    '--code-challenge-method=S256',
    `--scope=${options.scope}`,
    `--redirect-url=${oauth2ProxyRedirectUri(options.port)}`,
    `--http-address=127.0.0.1:${options.port}`,
    `--upstream=${options.upstream}/`,
    '--email-domain=*',
    // 32 random bytes, base64url: oauth2-proxy takes a 32-byte secret as AES-256.
    `--cookie-secret=${randomBytes(32).toString('base64url').slice(0, 32)}`,
    '--cookie-secure=false',
    `--cookie-refresh=${options.cookieRefresh}`,
    '--cookie-expire=1h',
    '--skip-provider-button=true',
    '--pass-user-headers=true',
    '--reverse-proxy=false',
  ];
}

export async function startOAuth2Proxy(options: OAuth2ProxyOptions): Promise<RunningOAuth2Proxy> {
  const child: ChildProcess = spawn(options.binary, oauth2ProxyArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (exited) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await gone;
  };
  try {
    await eventually(
      async () => {
        if (exited) throw new Error(`oauth2-proxy exited:\n${output}`);
        return fetch(`${url}/ping`).then(
          (response) => response.status === 200,
          () => false,
        );
      },
      { what: () => `oauth2-proxy to answer /ping; it said:\n${output}`, timeoutMs: 20000, intervalMs: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: () => output, stop };
}

export { freePort };
