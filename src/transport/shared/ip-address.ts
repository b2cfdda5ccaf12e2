/** IP addresses as the limits key them, and the CIDR lists that say which peers to believe. */
import { BlockList, isIP } from 'node:net';

/**
 * The canonical text of an IP, or '' when `text` is not one. IPv4-mapped IPv6 becomes IPv4,
 * and IPv6 takes its one canonical form (RFC 5952: lower case, zeros compressed), so one
 * address is one limit key and one audit filter however it was written.
 */
export function normalizeIp(text: string): string {
  const trimmed = text.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  const candidate = mapped ? mapped[1]! : trimmed;
  const family = isIP(candidate);
  if (family === 4) return candidate;
  if (family === 6) return canonicalIpv6(candidate);
  return '';
}

/** The WHATWG URL parser writes an IPv6 host in RFC 5952 form; a zone id (`%eth0`) it refuses stays as given. */
function canonicalIpv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return address.toLowerCase();
  }
}

/** A list of CIDRs (`10.0.0.0/8`, `::1/128`) or bare addresses; throws naming the bad entry. */
export function cidrList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const ip = normalizeIp(address);
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    const bits = prefix === undefined ? (family === 'ipv6' ? 128 : 32) : Number(prefix);
    if (ip === '' || !Number.isInteger(bits) || bits < 0 || bits > (family === 'ipv6' ? 128 : 32) || (prefix !== undefined && !/^\d+$/.test(prefix))) {
      throw new Error(`"${entry}" is not an IP address or CIDR`);
    }
    list.addSubnet(ip, bits, family);
  }
  return list;
}

/** Whether `ip` (normalised) is in `list`. */
export function inList(list: BlockList, ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  return list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}
