/**
 * The IP of the browser a request comes from, which the bridge passes to the service for
 * its per-source limits. The socket's peer, unless BRIDGE_TRUST_PROXY says proxies stand
 * in front: then X-Forwarded-For, read from its end, where each of BRIDGE_PROXY_HOPS
 * proxies appended the address it was called from. Entries further left were written by
 * the client itself and are never believed.
 */
import type { Middleware } from 'koa';
import { normalizeIp } from '../../src/transport/shared/ip-address.js';

export interface ClientIpPolicy {
  trustProxy: boolean;
  proxyHops: number;
}

export function clientIpOf(socketAddress: string | undefined, forwardedFor: string, policy: ClientIpPolicy): string {
  const peer = normalizeIp(socketAddress ?? '');
  if (!policy.trustProxy) return peer;
  const entries = forwardedFor
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const named = entries[entries.length - policy.proxyHops];
  return (named === undefined ? '' : normalizeIp(named)) || peer;
}

/** Puts the client IP in `ctx.state.clientIp` for the routes. */
export function clientIp(policy: ClientIpPolicy): Middleware {
  return async (ctx, next) => {
    ctx.state['clientIp'] = clientIpOf(ctx.req.socket.remoteAddress, ctx.get('X-Forwarded-For'), policy);
    await next();
  };
}
