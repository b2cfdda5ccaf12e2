/**
 * Where this machine reaches a listener of its own. A wildcard bind address (0.0.0.0, ::,
 * or empty) listens on every interface and cannot be dialled; its loopback of the same
 * family can. Any other address is dialled as it is.
 */
export function loopbackFor(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '') return '127.0.0.1';
  if (bindHost === '::' || bindHost === '[::]') return '::1';
  return bindHost.startsWith('[') && bindHost.endsWith(']') ? bindHost.slice(1, -1) : bindHost;
}

/** `host:port`, an IPv6 host in brackets, as gRPC targets and URLs want it. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
