/**
 * Test support for the bridge: a real bridge on 127.0.0.1:0 in front of a real gRPC
 * server, and a small cookie-keeping HTTP client that behaves like a browser would with
 * our cookies (names, paths, Max-Age=0 deletion), so flows read like a user's session.
 */

import { type RunningBridge, startBridge } from '../../../bridge/server.js';
import { oidcMountOf } from '../../../src/bootstrap/oidc-wiring.js';
import { loadConfig } from '../../../src/config/index.js';
import { recordingLogger, type TestServer } from '../../support/server.js';

export interface TestBridge extends RunningBridge {
  /** Lines the bridge logged, as JSON strings. */
  logs: string[];
}

/** Starts a bridge calling `upstream` (host:port), with extra environment variables. */
export async function startTestBridge(upstream: string, env: Record<string, string> = {}): Promise<TestBridge> {
  const config = loadConfig({ BRIDGE_HOST: '127.0.0.1', BRIDGE_PORT: '0', BRIDGE_GRPC_TARGET: upstream, ...env });
  const logs: string[] = [];
  const bridge = await startBridge(config.bridge, { log: recordingLogger(logs) });
  return Object.assign(bridge, { logs });
}

/**
 * How a bridge reaches its gRPC server: 'in-process' as the default `all` role runs it
 * (the server's handlers called directly), 'network' as a bridge run alone does (a gRPC
 * client over HTTP/2). The bridge suites run on both, so the two cannot drift apart.
 */
export type Wiring = 'in-process' | 'network';
export const WIRINGS: readonly Wiring[] = ['in-process', 'network'];

/** Starts a bridge in front of `server`, wired to it the given way. */
export async function startBridgeFor(server: TestServer, wiring: Wiring, env: Record<string, string> = {}): Promise<TestBridge> {
  if (wiring === 'network') return startTestBridge(server.address, env);
  const config = loadConfig({ BRIDGE_HOST: '127.0.0.1', BRIDGE_PORT: '0', ...env });
  const logs: string[] = [];
  // As src/bootstrap/start.ts wires it: the server's pass is how it knows its own bridge.
  const local = {
    handlers: server.grpc.handlers,
    health: server.grpc.health,
    maxMessageBytes: server.config.grpc.maxMessageBytes,
    internalPass: server.grpc.internalPass,
  };
  // As start.ts wires it, the OpenID Provider too: it runs beside the service only. (A
  // suite's stand-in server may carry handlers alone, and then serves no provider.)
  const oidc = (server as Partial<TestServer>).app ? { oidc: oidcMountOf(server.app, config.bridge.publicUrl) } : {};
  const bridge = await startBridge(config.bridge, { log: recordingLogger(logs), local, ...oidc });
  return Object.assign(bridge, { logs });
}

/**
 * One Set-Cookie header, parsed. Attribute names are lower-cased. Parsed here rather than
 * with `cookie`'s parseSetCookie, which normalises the attribute values: the tests check
 * them as the bridge sent them.
 */
export interface SetCookie {
  name: string;
  value: string;
  attributes: Record<string, string | true>;
}

export function parseSetCookie(header: string): SetCookie {
  const [pair, ...rest] = header.split(';');
  const separator = pair!.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const part of rest) {
    const [key, ...value] = part.trim().split('=');
    attributes[key!.toLowerCase()] = value.length > 0 ? value.join('=') : true;
  }
  return { name: pair!.slice(0, separator).trim(), value: pair!.slice(separator + 1).trim(), attributes };
}

export function setCookiesOf(response: Response): SetCookie[] {
  return response.headers.getSetCookie().map(parseSetCookie);
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
  cookies: SetCookie[];
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, instead of JSON.stringify(body). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

/** A client that keeps the bridge's cookies the way a browser does, minus the SameSite rules. */
export class CookieClient {
  /** Keyed by name and path, as a browser keys them: one name may live at several paths. */
  private readonly jar = new Map<string, { name: string; value: string; path: string }>();

  constructor(private readonly baseUrl: string) {}

  get(path: string, options?: RequestOptions) {
    return this.send('GET', path, options);
  }

  post(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.send('POST', path, { ...options, ...(body !== undefined ? { body } : {}) });
  }

  delete(path: string, options?: RequestOptions) {
    return this.send('DELETE', path, options);
  }

  patch(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.send('PATCH', path, { ...options, ...(body !== undefined ? { body } : {}) });
  }

  cookie(name: string): string | undefined {
    return [...this.jar.values()].find((cookie) => cookie.name === name)?.value;
  }

  setCookie(name: string, value: string, path = '/'): void {
    this.jar.set(`${name};${path}`, { name, value, path });
  }

  async send(method: string, path: string, options: RequestOptions = {}): Promise<JsonResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const cookieHeader = [...this.jar.values()]
      .filter((cookie) => path === cookie.path || path.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`) || cookie.path === '/')
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
    if (cookieHeader !== '' && headers['Cookie'] === undefined) headers['Cookie'] = cookieHeader;
    let body: string | Buffer | undefined = options.rawBody;
    if (body === undefined && options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const response = await fetch(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body: body as BodyInit } : {}) });
    const cookies = setCookiesOf(response);
    for (const cookie of cookies) {
      const cookiePath = String(cookie.attributes['path'] ?? '/');
      if (cookie.attributes['max-age'] === '0') this.jar.delete(`${cookie.name};${cookiePath}`);
      else this.setCookie(cookie.name, cookie.value, cookiePath);
    }
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text), cookies };
  }
}
