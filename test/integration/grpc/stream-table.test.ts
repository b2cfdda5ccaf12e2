import { execFileSync } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { credentials, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ClientAuthClient, type ValidateTokenResponse } from '../../../gen/clientauth/v1/client_auth.js';
import { keepServerStreamsInTables, keepStreamsInTable, keepsStreamsInTable, StreamTable } from '../../../src/transport/grpc/stream-table.js';
import { embeddedEnv, startTestServer, type TestServer } from '../../support/server.js';

/** A Node HTTP/2 server whose streams wait until the test answers them, and a client connected to it. */
async function heldStreams() {
  const server = http2.createServer();
  const held: http2.ServerHttp2Stream[] = [];
  const sessions: http2.ServerHttp2Session[] = [];
  server.on('session', (session) => sessions.push(session));
  server.on('stream', (stream) => held.push(stream));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = http2.connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const request = (path: string) => {
    const stream = client.request({ ':path': path, ':method': 'POST' });
    stream.end();
    const body = new Promise<string>((resolve, reject) => {
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (text += chunk));
      stream.on('end', () => resolve(text));
      stream.on('error', reject);
    });
    return { stream, body };
  };
  const until = async (count: number) => {
    while (held.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const close = async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { server, held, sessions, client, request, until, close };
}

describe('HTTP/2 stream tables (what keeps long-lived connections out of a GC chain)', function () {
  this.timeout(20000);

  describe('StreamTable', () => {
    it('gets, sets, replaces and deletes streams by id, counting them', () => {
      const table = new StreamTable<string>();
      expect(table.size).to.equal(0);
      expect(table.set(1, 'a')).to.equal(table);
      table.set(3, 'b');
      table.set(3, 'b again');
      expect(table.size).to.equal(2);
      expect(table.get(3)).to.equal('b again');
      expect(table.get(5)).to.equal(undefined);
      expect(table.has(1)).to.equal(true);
      expect(table.delete(1)).to.equal(true);
      expect(table.delete(1)).to.equal(false);
      expect(table.has(1)).to.equal(false);
      expect(table.size).to.equal(1);
      expect([...table]).to.deep.equal([[3, 'b again']]);
    });

    it('visits streams in the order they opened, skipping one an earlier visit deleted, as a Map does', () => {
      const table = new StreamTable<string>();
      for (const id of [1, 3, 5, 7, 2147483647]) table.set(id, `s${id}`);
      const visited: Array<[string, number]> = [];
      table.forEach((stream, id, self) => {
        visited.push([stream, id]);
        // Destroying a stream deletes it from the table, and may close another.
        self.delete(id);
        if (id === 3) self.delete(5);
      });
      expect(visited).to.deep.equal([
        ['s1', 1],
        ['s3', 3],
        ['s7', 7],
        ['s2147483647', 2147483647],
      ]);
      expect(table.size).to.equal(0);
    });
  });

  describe("on a Node HTTP/2 session (Node's own code routes frames through the table)", () => {
    it('carries over the streams open at the time, and every one of them is answered through it', async () => {
      const h2 = await heldStreams();
      try {
        const requests = [1, 2, 3].map((n) => h2.request(`/before-${n}`));
        await h2.until(3);
        const session = h2.sessions[0]!;
        expect(keepsStreamsInTable(session)).to.equal(false);
        expect(keepStreamsInTable(session)).to.equal(true);
        expect(keepsStreamsInTable(session)).to.equal(true);
        // Calling it again keeps the same table (and the same streams).
        expect(keepStreamsInTable(session)).to.equal(true);
        requests.push(h2.request('/after'));
        await h2.until(4);
        for (const stream of h2.held) {
          stream.respond({ ':status': 200 });
          stream.end('answer');
        }
        expect(await Promise.all(requests.map((r) => r.body))).to.deep.equal(Array(4).fill('answer'));
      } finally {
        await h2.close();
      }
    });

    it('closes every open stream when the connection drops (Node walks the table to do it)', async () => {
      const h2 = await heldStreams();
      try {
        h2.server.removeAllListeners('session');
        h2.server.on('session', (session) => {
          h2.sessions.push(session);
          keepStreamsInTable(session);
        });
        for (let n = 0; n < 5; n++) h2.request(`/held-${n}`).body.catch(() => undefined);
        await h2.until(5);
        expect(keepsStreamsInTable(h2.sessions[0]!)).to.equal(true);
        const closed = h2.held.map((stream) => once(stream, 'close'));
        h2.client.destroy();
        await Promise.all(closed);
        expect(h2.held.every((stream) => stream.destroyed)).to.equal(true);
      } finally {
        await h2.close();
      }
    });
  });

  describe('on the gRPC server', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(embeddedEnv());
    });
    after(async () => {
      await server?.close();
    });

    it('gives every session a table, and its calls (many at once, some cancelled) are answered as before', async () => {
      const email = 'stream-table@example.com';
      await server.api.registerUser({ email, password: 'correct horse battery', firstName: '', lastName: '', phoneNumber: '', attributes: {} });
      const { accessToken } = await server.api.login({ email, password: 'correct horse battery' });
      const { clientId } = await server.api.validateToken({ token: accessToken });
      expect(clientId).to.not.equal('');
      const before = server.grpc.streamTables.sessions;
      // Two connections of their own (grpc-js would otherwise share one).
      const clients = [0, 1].map(() => new ClientAuthClient(server.address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
      try {
        const validate = (client: ClientAuthClient) =>
          new Promise<ValidateTokenResponse>((resolve, reject) =>
            client.validateToken({ token: accessToken }, (error, answer) => (error ? reject(error) : resolve(answer))),
          );
        // Enough calls on each connection that its table's store is replaced many times over.
        for (let wave = 0; wave < 5; wave++) {
          const answers = await Promise.all(clients.flatMap((client) => Array.from({ length: 100 }, () => validate(client))));
          expect(answers.every((answer) => answer.clientId === clientId)).to.equal(true);
        }
        const cancelled = await new Promise<number>((resolve) => {
          const call = clients[0]!.validateToken({ token: accessToken }, (error) => resolve(error?.code ?? status.OK));
          call.cancel();
        });
        expect(cancelled).to.equal(status.CANCELLED);
        expect((await validate(clients[0]!)).clientId).to.equal(clientId);
        expect(server.grpc.streamTables.sessions - before).to.equal(2);
        expect(server.grpc.streamTables.withTables).to.equal(server.grpc.streamTables.sessions);
        expect(server.grpc.streamTables.problem).to.equal(null);
      } finally {
        for (const client of clients) client.close();
      }
    });

    it('says once why, and leaves the server as it is, when grpc-js does not expose its HTTP/2 servers', () => {
      const reasons: string[] = [];
      const count = keepServerStreamsInTables({}, (reason) => reasons.push(reason));
      expect(reasons).to.have.length(1);
      expect(count.problem).to.match(/HTTP\/2 servers/);
      expect(count.sessions).to.equal(0);
    });

    it("says once why when Node keeps a session's streams some other way, and counts those sessions", () => {
      const http2Server = new EventEmitter();
      const reasons: string[] = [];
      const count = keepServerStreamsInTables({ http2Servers: new Map([[http2Server, {}]]) }, (reason) => reasons.push(reason));
      http2Server.emit('session', {});
      http2Server.emit('session', { [Symbol('state')]: { streams: [] } });
      expect(count.sessions).to.equal(2);
      expect(count.withTables).to.equal(0);
      expect(reasons).to.have.length(1);
      expect(count.problem).to.match(/streams/);
    });
  });
});

describe('V8 flag the gRPC server turns off (stopPretenuring)', () => {
  it('is one this node knows: a node that no longer had --allocation-site-pretenuring would refuse it on its command line', () => {
    // setFlagsFromString ignores an unknown flag with a warning, so the server would run on
    // without its GC fix; the command line refuses one, which is how this test notices.
    const output = execFileSync(process.execPath, ['--no-allocation-site-pretenuring', '-e', "process.stdout.write('started')"], { encoding: 'utf8' });
    expect(output).to.equal('started');
    expect(execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' })).to.match(/--allocation-site-pretenuring\b/);
  });
});
