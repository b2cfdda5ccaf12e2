import { expect } from 'chai';
import { Redis } from 'ioredis';
import { eventually } from '../../support/eventually.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

describe('Deletion requests on every DELETION_CHANNELS channel, as the original api-gateway expects', function () {
  this.timeout(30000);
  let server: TestServer;
  let subscriber: Redis;
  const received: Record<string, string[]> = {};
  let channels: [string, string];

  before(async function () {
    const services = requireServices(this);
    const { DELETION_CHANNEL: ours, ...env } = testEnv(services, 'deletion-channels', { OUTBOX_RELAY_INTERVAL_MS: '200' });
    // Ours and, standing for `user-delete`, a second channel unique to this run.
    channels = [ours!, `${ours}-user-delete`];
    server = await startTestServer({ ...env, DELETION_CHANNELS: channels.join(',') });
    subscriber = new Redis(services.redisUrl);
    for (const channel of channels) received[channel] = [];
    subscriber.on('message', (channel: string, message: string) => received[channel]?.push(message));
    await subscriber.subscribe(...channels);
  });
  after(async () => {
    subscriber?.disconnect();
    await server?.close();
  });

  it('publishes a client deleting itself on both channels, the bare client id as the payload', async () => {
    const email = `leaving-${Date.now()}@example.com`;
    const password = 'a leaving password';
    const { client } = await server.api.registerUser({ email, password, firstName: '', lastName: '', phoneNumber: '', attributes: {} });
    const { accessToken } = await server.api.login({ email, password });
    await server.api.deleteClient({ clientId: '' }, { token: accessToken });
    await eventually(() => channels.every((channel) => received[channel]!.length > 0), { what: 'the deletion on both channels' });
    expect(received[channels[0]]).to.deep.equal([client!.id]);
    expect(received[channels[1]]).to.deep.equal([client!.id]);
  });
});
