import { Server, ServerCredentials, credentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ClientAuthClient, ClientAuthService, ValidateTokenResponse, type ValidateTokenRequest } from '../../gen/clientauth/v1/client_auth.js';
import { TurnBudget } from '../../src/grpc/turn-budget.js';
import { unary } from '../../src/grpc/unary.js';
import { cidrList, LOOPBACK_CIDRS } from '../../src/ip-address.js';
import { createLogger } from '../../src/logging.js';

/** Holds the thread for `ms`, as a call with synchronous stores does. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('The turn budget', () => {
  it('runs cheap calls at once, in the order they came', () => {
    const turns = new TurnBudget(1);
    const ran: number[] = [];
    for (let call = 0; call < 50; call++) turns.run(() => ran.push(call));
    expect(ran).to.deep.equal([...Array(50).keys()]);
    expect(turns.queued).to.equal(0);
  });

  it('past the budget, lets the event loop turn between calls, at least one call a turn, in order', async () => {
    const turns = new TurnBudget(1);
    const log: string[] = [];
    for (let call = 0; call < 6; call++) {
      turns.run(() => {
        log.push(`call ${call}`);
        // What a call's answer waits for: the next turn of the loop.
        if (call === 0) setImmediate(() => log.push('turn'));
        busy(3);
      });
    }
    expect(log).to.deep.equal(['call 0']);
    expect(turns.queued).to.equal(5);
    while (turns.queued > 0) await nextTurn();
    await nextTurn();
    expect(log.filter((entry) => entry.startsWith('call'))).to.deep.equal([0, 1, 2, 3, 4, 5].map((call) => `call ${call}`));
    // The first call's answer went out while later calls were still waiting.
    expect(log.indexOf('turn')).to.be.greaterThan(0).and.lessThan(log.indexOf('call 5'));
  });

  describe('in front of a real gRPC server with a slow synchronous handler', () => {
    let server: Server;
    let client: ClientAuthClient;
    let started = 0;

    before(async () => {
      server = new Server();
      const validateToken = unary<ValidateTokenRequest, ValidateTokenResponse>(
        'ValidateToken',
        async (request) => {
          started += 1;
          busy(3);
          return ValidateTokenResponse.fromPartial({ clientId: request.token });
        },
        { log: createLogger('silent', 'turn-budget-test'), trustedProxies: cidrList(LOOPBACK_CIDRS), turns: new TurnBudget(1) },
      );
      server.addService(ClientAuthService, { validateToken } as unknown as UntypedServiceImplementation);
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
      );
      client = new ClientAuthClient(`127.0.0.1:${port}`, credentials.createInsecure());
    });
    after(async () => {
      client?.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    });

    const call = (token: string) =>
      new Promise<string>((resolve, reject) => client.validateToken({ token }, (error, value) => (error ? reject(error) : resolve(value.clientId))));

    it('sends the first answer of a burst before the last call of the burst has started', async () => {
      // A warm connection, so that the burst goes out in one write and arrives in one read.
      expect(await call('warm')).to.equal('warm');
      started = 0;
      const BURST = 30;
      const startedWhenAnswered: number[] = [];
      const answers = await Promise.all(
        Array.from({ length: BURST }, async (_, index) => {
          const answer = await call(`call ${index}`);
          startedWhenAnswered.push(started);
          return answer;
        }),
      );
      expect(answers).to.deep.equal(Array.from({ length: BURST }, (_, index) => `call ${index}`));
      // Without the budget the whole burst ran in one turn, and the first answer came after all 30 had run.
      expect(startedWhenAnswered[0]).to.be.lessThan(BURST / 2);
    });
  });
});
