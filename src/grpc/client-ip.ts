import type { Metadata } from '@grpc/grpc-js';

/** The metadata in which the bridge names the browser's address. */
export const CLIENT_IP_KEY = 'x-client-ip';

/**
 * The address a request comes from, for per-address limits. A peer on loopback (the bridge
 * beside the server) may name the browser's address in `x-client-ip`; from any other
 * peer that metadata is ignored, since anyone could send it.
 */
export function clientIpOf(peer: string, metadata: Metadata): string {
  const address = peerAddress(peer);
  const named = metadata.get(CLIENT_IP_KEY)[0];
  if (isLoopback(address) && typeof named === 'string' && named !== '' && named.length <= 64) return named;
  return address;
}

/** "ipv4:1.2.3.4:5678" / "ipv6:[::1]:5678" -> the address alone. */
function peerAddress(peer: string): string {
  const match = /^(?:ipv4:|ipv6:)?\[?([^\]]*?)\]?:\d+$/.exec(peer);
  return match ? match[1]! : peer;
}

function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === '::ffff:127.0.0.1';
}
