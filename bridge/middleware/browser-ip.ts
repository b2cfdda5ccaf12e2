/**
 * The IP of the browser a request comes from, which the bridge passes to the service for
 * its per-source limits. The socket's peer, unless BRIDGE_TRUST_PROXY says proxies stand
 * in front and the peer is one of them (TRUSTED_PROXY_CIDRS): then X-Forwarded-For, read
 * from its end, where each of BRIDGE_PROXY_HOPS proxies appended the address it was called
 * from. Entries further left were written by the client itself and are never believed.
 */
import type { BlockList } from 'node:net';
import type { Middleware } from 'koa';
import { cidrList, inList, normalizeIp } from '../../src/transport/shared/ip-address.js';

export interface ClientIpPolicy {
  trustProxy: boolean;
  proxyHops: number;
  /** The proxies in front of the bridge (TRUSTED_PROXY_CIDRS); nobody else's X-Forwarded-* counts. */
  proxies: BlockList;
}

/** The headers a proxy in front of the bridge sets, which Koa's proxy mode reads. */
const FORWARDED_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'];

/** Whether the peer at `socketAddress` is a proxy the bridge believes. */
export function isTrustedProxy(socketAddress: string | undefined, policy: ClientIpPolicy): boolean {
  return policy.trustProxy && inList(policy.proxies, normalizeIp(socketAddress ?? ''));
}

export function clientIpOf(socketAddress: string | undefined, forwardedFor: string, policy: ClientIpPolicy): string {
  const peer = normalizeIp(socketAddress ?? '');
  if (!isTrustedProxy(socketAddress, policy)) return peer;
  const entries = forwardedFor
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const named = entries[entries.length - policy.proxyHops];
  return (named === undefined ? '' : normalizeIp(named)) || peer;
}

/**
 * Puts the client IP in `ctx.state.clientIp` for the routes. From a peer that is no proxy
 * the bridge believes, it also removes the X-Forwarded-* headers, so that what Koa's proxy
 * mode derives from them (`ctx.protocol`, `ctx.secure`, `ctx.host`, `ctx.ip`: the cookies'
 * Secure flag, the cross-site guard's origin) comes from the socket instead.
 */
export function clientIp(config: { trustProxy: boolean; proxyHops: number; trustedProxies: readonly string[] }): Middleware {
  const policy: ClientIpPolicy = { trustProxy: config.trustProxy, proxyHops: config.proxyHops, proxies: cidrList(config.trustedProxies) };
  return async (ctx, next) => {
    const socketAddress = ctx.req.socket.remoteAddress;
    ctx.state['clientIp'] = clientIpOf(socketAddress, ctx.get('X-Forwarded-For'), policy);
    if (policy.trustProxy && !isTrustedProxy(socketAddress, policy)) {
      for (const name of FORWARDED_HEADERS) delete ctx.req.headers[name];
    }
    await next();
  };
}
