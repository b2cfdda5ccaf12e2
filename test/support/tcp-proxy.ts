/**
 * A TCP proxy whose link can be cut and restored, to stand for a network that drops, and
 * pointed at another server, to stand for an address that now leads elsewhere (a failover).
 */
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** host:port to connect to instead of the target. */
  address: string;
  /** Drops every connection and refuses new ones until `restore`. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  /** Keeps the connections open but forwards nothing on them, those opened now and until `passNew` or `release`: a peer that stalls. */
  stall(): void;
  /**
   * Stalls each connection, from now on, once it sends a request containing `text`: the
   * request reaches the server, its reply does not come back. A link that dies under one
   * call while the server, and the driver's monitoring connections, stay healthy.
   */
  stallOnRequest(text: string): void;
  /** Connections opened from now on forward again, and no request stalls one any more; the stalled ones stay stalled until `release`. */
  passNew(): void;
  /** Every stalled connection forwards again. */
  release(): void;
  /** Connections made from now on go to `target`; those open stay where they are. */
  retarget(target: { host: string; port: number }): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let current = target;
  const stalled = new Set<Socket>();
  let stallNew = false;
  let stallOn: Buffer | null = null;
  const stallSocket = (socket: Socket) => {
    stalled.add(socket);
    socket.pause();
  };
  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((client) => {
        const upstream = createConnection(current);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        client.on('data', (chunk: Buffer) => {
          if (stallOn === null || !chunk.includes(stallOn)) return;
          stallSocket(client);
          stallSocket(upstream);
        });
        if (stallNew) {
          stallSocket(client);
          stallSocket(upstream);
        }
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
          stalled.delete(client);
          stalled.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  let server: Server | null = await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = async () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    const closing = server;
    server = null;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  return {
    address: `127.0.0.1:${port}`,
    cut: stop,
    restore: async () => {
      server = await listen(port);
    },
    stall: () => {
      stallNew = true;
      for (const socket of sockets) stallSocket(socket);
    },
    stallOnRequest: (text) => {
      stallOn = Buffer.from(text);
    },
    passNew: () => {
      stallNew = false;
      stallOn = null;
    },
    release: () => {
      stallNew = false;
      stallOn = null;
      for (const socket of stalled) socket.resume();
      stalled.clear();
    },
    retarget: (next) => {
      current = next;
    },
    close: stop,
  };
}
