/**
 * gRPC and the bridge read a Bearer credential with one parser, so a caller that works
 * against one transport works against the other: the same table of spellings goes to
 * GetMe over gRPC and to GET /me over HTTP, and both must accept or refuse alike.
 * A spelling that refuses has to fail on both, with 401 / UNAUTHENTICATED.
 */
import { Metadata, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { parseBearer } from '../../../src/transport/shared/bearer-token.js';
import { embeddedEnv, failure, startTestServer, type TestServer } from '../../support/server.js';
import { startBridgeFor, type TestBridge, WIRINGS } from './bridge-fixture.js';

/** `x` stands for a valid access token. */
const SPELLINGS: Array<[string, boolean]> = [
  ['Bearer x', true],
  ['bearer x', true],
  ['BEARER x', true],
  ['Bearer  x', true],
  ['Bearer  x ', true],
  ['Bearer\tx', false],
  ['Basic x', false],
  ['Bearer', false],
  ['Bearer ', false],
  ['Bearer x y', false],
  ['Bearerx', false],
  ['Token x', false],
  ['x', false],
];

for (const wiring of WIRINGS)
  describe(`Bearer credentials, read alike by gRPC and the bridge (${wiring} wiring)`, function () {
    this.timeout(30000);
    let server: TestServer;
    let bridge: TestBridge;
    let token: string;

    before(async () => {
      server = await startTestServer(embeddedEnv());
      bridge = await startBridgeFor(server, wiring);
      const email = `bearer.${Date.now()}@example.com`;
      const password = 'correct horse battery';
      await server.api.registerUser({ email, password, firstName: 'Ada', lastName: 'Lovelace', phoneNumber: '', attributes: {} });
      token = (await server.api.login({ email, password })).accessToken;
    });
    after(async () => {
      await bridge?.close();
      await server?.close();
    });

    for (const [spelling, accepted] of SPELLINGS) {
      // HTTP/2 drops a field value with blanks at either end, and gRPC metadata refuses a
      // tab, so such spellings never reach the server: the shared parser is their proof.
      const travels = spelling === spelling.trim() && !spelling.includes('\t');
      const where = travels ? "in the parser, on gRPC GetMe and on the bridge's GET /me" : 'in the parser both transports share';
      it(`${accepted ? 'accepts' : 'refuses'} ${JSON.stringify(spelling)} ${where}`, async () => {
        const credential = spelling.replace(/\bx\b/, token);
        expect(parseBearer(credential)).to.equal(accepted ? token : undefined);
        if (!travels) return;

        const metadata = new Metadata();
        metadata.set('authorization', credential);
        const call = new Promise((resolve, reject) => server.api.raw.getMe({}, metadata, (error, response) => (error ? reject(error) : resolve(response))));
        if (accepted) await call;
        else expect((await failure(call)).code).to.equal(status.UNAUTHENTICATED);

        const response = await fetch(`${bridge.url}/me`, { headers: { Authorization: credential } });
        expect(response.status).to.equal(accepted ? 200 : 401);
      });
    }
  });
