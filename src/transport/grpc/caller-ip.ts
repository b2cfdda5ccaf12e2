import type { BlockList } from 'node:net';
import type { Metadata } from '@grpc/grpc-js';
import { CLIENT_IP_KEY } from '../../sdk/call-metadata.js';
import { inList, normalizeIp } from '../shared/ip-address.js';

/** Whom the server believes when a call names its client's IP in `x-client-ip`. */
export interface CallerTrust {
  /** Peers in TRUSTED_PROXY_CIDRS: a bridge in another process, a gateway. Empty by default. */
  proxies: BlockList;
  /** This process's own bridge, which proves itself with the server's pass (see CallGate). */
  ownBridge?: { fromOwnBridge(metadata: Metadata): boolean };
}

/**
 * The IP the attempt limits count against: the peer's own address, unless the call comes
 * from this process's bridge or from a peer in TRUSTED_PROXY_CIDRS, which name their
 * client in `x-client-ip`. Anyone else could put any address there (a sidecar on loopback
 * rotating addresses past every per-IP limit), so from anyone else it is ignored.
 */
export function clientIpOf(peer: string, metadata: Metadata, trust: CallerTrust): string {
  const peerIp = peerAddress(peer);
  if (!inList(trust.proxies, peerIp) && !trust.ownBridge?.fromOwnBridge(metadata)) return peerIp;
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
