import { credentials, Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { expect } from 'chai';
import { ClientAuthClient, ClientAuthService, type ValidateTokenRequest, ValidateTokenResponse } from '../../../gen/clientauth/v1/client_auth.js';
import { createLogger } from '../../../src/observability/logging.js';
import { TurnBudget } from '../../../src/transport/grpc/turn-budget.js';
import { unary } from '../../../src/transport/grpc/unary.js';
import { cidrList } from '../../../src/transport/shared/ip-address.js';

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

  it('takes waiting calls from each arrival in turn, the calls of one arrival in the order they came', async () => {
    const turns = new TurnBudget(1);
    const ran: string[] = [];
    // A storm arrives: the first call runs, the rest wait.
    turns.run(() => {
      busy(2);
      ran.push('storm 0');
    });
    for (let call = 1; call < 4; call++) {
      turns.run(() => {
        busy(2);
        ran.push(`storm ${call}`);
      });
    }
    // A turn later, while the storm is still waiting, a user's call arrives, with two more.
    await nextTurn();
    turns.run(() => ran.push('user'));
    for (let call = 4; call < 6; call++) {
      turns.run(() => {
        busy(2);
        ran.push(`late ${call}`);
      });
    }
    while (turns.queued > 0) await nextTurn();
    // The storm's next call was due first; then the two arrivals alternate.
    expect(ran).to.deep.equal(['storm 0', 'storm 1', 'storm 2', 'user', 'storm 3', 'late 4', 'late 5']);
  });

  describe('in front of a real gRPC server with a slow synchronous handler', () => {
    let server: Server;
    let client: ClientAuthClient;
    let started = 0;
    let address = '';

    before(async () => {
      server = new Server();
      const validateToken = unary<ValidateTokenRequest, ValidateTokenResponse>(
        'ValidateToken',
        async (request) => {
          started += 1;
          busy(3);
          return ValidateTokenResponse.fromPartial({ clientId: request.token });
        },
        { log: createLogger('silent', 'turn-budget-test'), trustedProxies: cidrList([]), turns: new TurnBudget(1) },
      );
      server.addService(ClientAuthService, { validateToken } as unknown as UntypedServiceImplementation);
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
      );
      address = `127.0.0.1:${port}`;
      client = new ClientAuthClient(address, credentials.createInsecure());
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

    it('answers a call that comes after a burst, on the same connection, while the burst is still waiting', async () => {
      expect(await call('warm')).to.equal('warm');
      started = 0;
      const BURST = 30;
      const burst = Promise.all(Array.from({ length: BURST }, (_, index) => call(`call ${index}`)));
      while (started === 0) await nextTurn();
      const answer = await call('late');
      const startedWhenLateAnswered = started;
      await burst;
      expect(answer).to.equal('late');
      // First come, first served would have run the whole burst first.
      expect(startedWhenLateAnswered).to.be.lessThan(BURST / 2);
    });

    it("answers another connection's call while a burst from one connection is still waiting", async () => {
      // A second connection of its own (clients with the same options would share one).
      const other = new ClientAuthClient(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
      try {
        const callOn = (on: ClientAuthClient, token: string) =>
          new Promise<string>((resolve, reject) => on.validateToken({ token }, (error, value) => (error ? reject(error) : resolve(value.clientId))));
        expect(await callOn(other, 'warm')).to.equal('warm');
        started = 0;
        const BURST = 30;
        const burst = Promise.all(Array.from({ length: BURST }, (_, index) => call(`call ${index}`)));
        while (started === 0) await nextTurn();
        const answer = await callOn(other, 'other');
        const startedWhenOtherAnswered = started;
        await burst;
        expect(answer).to.equal('other');
        // First come, first served across connections would have run the whole burst first.
        expect(startedWhenOtherAnswered).to.be.lessThan(BURST / 2);
      } finally {
        other.close();
      }
    });
  });
});
