import type { BlockList } from 'node:net';
import type { Metadata } from '@grpc/grpc-js';
import { CLIENT_IP_KEY } from '../../sdk/call-metadata.js';
import { inList, normalizeIp } from '../shared/ip-address.js';

/**
 * The IP the attempt limits count against: the peer's own address, unless the peer is a
 * trusted proxy (TRUSTED_PROXY_CIDRS) that names its client in `x-client-ip`. Anyone else
 * could put any address there, so from anyone else it is ignored.
 */
export function clientIpOf(peer: string, metadata: Metadata, trustedProxies: BlockList): string {
  const peerIp = peerAddress(peer);
  if (!inList(trustedProxies, peerIp)) return peerIp;
  const named = metadata.get(CLIENT_IP_KEY)[0];
  const forwarded = typeof named === 'string' ? normalizeIp(named) : '';
  return forwarded === '' ? peerIp : forwarded;
}

/**
 * grpc-js gives a TCP peer as `address:port` with IPv6 unbracketed (`::1:5555`, itself a
 * valid IPv6 text), so the port comes off first; anything else (a socket path) is ''.
 */
function peerAddress(peer: string): string {
  const withoutPort = /^(.*):\d+$/.exec(peer)?.[1];
  return withoutPort === undefined ? normalizeIp(peer) : normalizeIp(withoutPort);
}
