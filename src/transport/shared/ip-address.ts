/** IP addresses as the limits key them, and the CIDR lists that say which peers to believe. */
import { BlockList, isIP } from 'node:net';

/** The canonical text of an IP, or '' when `text` is not one. IPv4-mapped IPv6 becomes IPv4. */
export function normalizeIp(text: string): string {
  const trimmed = text.trim().replace(/^\[(.*)\]$/, '$1');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  const candidate = mapped ? mapped[1]! : trimmed;
  const family = isIP(candidate);
  if (family === 4) return candidate;
  if (family === 6) return candidate.toLowerCase();
  return '';
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
