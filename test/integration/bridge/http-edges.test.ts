import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { expect } from 'chai';
import { freePort } from '../../support/paths.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { CookieClient, startBridgeFor, startTestBridge, type TestBridge, WIRINGS } from './bridge-fixture.js';

const BODY_LIMIT = 1024;

/** Sends a body in chunks with no Content-Length, as a streaming client would. */
function postChunked(url: string, chunks: string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

for (const wiring of WIRINGS)
  describe(`The Koa bridge at the HTTP edges: bodies, unknown routes, upstream failures (${wiring} wiring)`, function () {
    this.timeout(20000);
    let server: TestServer;
    let bridge: TestBridge;
    let client: CookieClient;

    before(async function () {
      const services = requireServices(this);
      server = await startTestServer(testEnv(services, 'bridge_edges'));
      bridge = await startBridgeFor(server, wiring, { BRIDGE_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
      client = new CookieClient(bridge.url);
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    describe('JSON bodies', () => {
      for (const [type, body] of [
        ['text/plain', '{"email":"a@example.com","password":"x"}'],
        ['application/x-www-form-urlencoded', 'email=a%40example.com&password=x'],
      ]) {
        it(`answers 415 UNSUPPORTED_MEDIA_TYPE for a ${type} body`, async () => {
          const response = await client.post('/login', undefined, { rawBody: body!, headers: { 'Content-Type': type! } });
          expect(response.status).to.equal(415);
          expect(response.body.reason).to.equal('UNSUPPORTED_MEDIA_TYPE');
        });
      }

      it('accepts application/json with a charset parameter', async () => {
        const response = await client.post('/login', undefined, {
          rawBody: JSON.stringify({ email: 'nobody@example.com', password: 'whatever1' }),
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
        });
        expect(response.status).to.equal(401);
        expect(response.body.reason).to.equal('INVALID_CREDENTIALS');
      });

      it('answers 413 BODY_TOO_LARGE for a body over the limit, declared by Content-Length', async () => {
        const response = await client.post('/register', { email: 'big@example.com', password: 'x'.repeat(BODY_LIMIT) });
        expect(response.status).to.equal(413);
        expect(response.body).to.deep.equal({ message: `the body must be at most ${BODY_LIMIT} bytes`, reason: 'BODY_TOO_LARGE' });
        expect(await server.db.collection('clients').countDocuments({ email: 'big@example.com' })).to.equal(0);
      });

      it('answers 413 BODY_TOO_LARGE for a chunked body that grows over the limit', async () => {
        const response = await postChunked(`${bridge.url}/register`, ['{"email":"chunked@example.com","password":"', 'y'.repeat(BODY_LIMIT), '"}']);
        expect(response.status).to.equal(413);
        expect(response.body.reason).to.equal('BODY_TOO_LARGE');
      });

      const malformed: Array<[string, string | Buffer]> = [
        ['truncated JSON', '{"email":'],
        ['a JSON array', '["a@example.com"]'],
        ['JSON null', 'null'],
        ['a JSON string', '"a@example.com"'],
        ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
      ];
      for (const [what, body] of malformed) {
        it(`answers 400 INVALID_JSON for ${what}`, async () => {
          const response = await client.post('/login', undefined, { rawBody: body, headers: { 'Content-Type': 'application/json' } });
          expect(response.status).to.equal(400);
          expect(response.body.reason).to.equal('INVALID_JSON');
        });
      }

      it('treats a request without a body as empty, so the service names the missing field', async () => {
        const response = await client.post('/login');
        expect(response.status).to.equal(400);
        expect(response.body).to.include({ reason: 'INVALID_ARGUMENT', field: 'email' });
      });
    });

    describe('routes and headers', () => {
      it('answers 404 NOT_FOUND as JSON for an unknown route', async () => {
        const response = await client.get('/admin/secrets');
        expect(response.status).to.equal(404);
        expect(response.body.reason).to.equal('NOT_FOUND');
      });

      it('answers 405 METHOD_NOT_ALLOWED as JSON with an Allow header for a known route and a wrong method', async () => {
        const response = await client.get('/login');
        expect(response.status).to.equal(405);
        expect(response.body.reason).to.equal('METHOD_NOT_ALLOWED');
        expect(response.headers.get('allow')).to.contain('POST');
      });

      it('marks every answer as not cacheable', async () => {
        for (const response of [await client.get('/healthz'), await client.get('/me'), await client.get('/nowhere')]) {
          expect(response.headers.get('cache-control')).to.equal('no-store');
          expect(response.headers.get('content-type')).to.match(/^application\/json/);
        }
      });

      it('answers 429 MESSAGE_TOO_LARGE when the gRPC server refuses a message over its own limit', async () => {
        const roomy = await startBridgeFor(server, wiring, { BRIDGE_BODY_LIMIT_BYTES: String(256 * 1024) });
        try {
          const attributes = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`key${index}`, 'v'.repeat(2000)]));
          const response = await new CookieClient(roomy.url).post('/register', { email: 'huge@example.com', password: 'long enough', attributes });
          expect(response.status).to.equal(429);
          expect(response.body).to.deep.equal({ message: 'the request is too large', reason: 'MESSAGE_TOO_LARGE' });
        } finally {
          await roomy.close();
        }
      });
    });

    // Only a network client has an upstream to lose; in process, the server is the process.
    if (wiring === 'network')
      describe('when the gRPC upstream cannot be reached', () => {
        it('answers 503 UNAVAILABLE at once for a closed port, without the network details', async function () {
          // A refused connection fails the call at once; only a deadline would take 10 s here.
          this.timeout(5000);
          const port = await freePort();
          const orphan = await startTestBridge(`127.0.0.1:${port}`, { BRIDGE_CALL_TIMEOUT_MS: '10000' });
          try {
            const orphanClient = new CookieClient(orphan.url);
            const login = await orphanClient.post('/login', { email: 'a@example.com', password: 'long enough' });
            expect(login.status).to.equal(503);
            expect(login.body).to.deep.equal({ message: 'the authentication service is unavailable; retry later', reason: 'UNAVAILABLE' });
            const health = await orphanClient.get('/healthz');
            expect(health.status).to.equal(503);
            expect(health.body).to.include({ reason: 'UNAVAILABLE', status: 'UNREACHABLE' });
          } finally {
            await orphan.close();
          }
        });

        it('answers 503 DEADLINE_EXCEEDED after the call deadline when the upstream accepts connections but never answers', async () => {
          const sockets = new Set<import('node:net').Socket>();
          const silent: Server = createServer((socket) => sockets.add(socket));
          await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
          const port = (silent.address() as import('node:net').AddressInfo).port;
          const stuck = await startTestBridge(`127.0.0.1:${port}`, { BRIDGE_CALL_TIMEOUT_MS: '300' });
          try {
            const response = await new CookieClient(stuck.url).get('/me', { headers: { Authorization: 'Bearer abc.def.ghi' } });
            expect(response.status).to.equal(503);
            expect(response.body.reason).to.equal('DEADLINE_EXCEEDED');
          } finally {
            await stuck.close();
            for (const socket of sockets) socket.destroy();
            silent.close();
          }
        });
      });
  });
