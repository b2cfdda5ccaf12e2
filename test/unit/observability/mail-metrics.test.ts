import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { createMetrics } from '../../../src/observability/metrics.js';

describe('Metrics of mail and verified emails', () => {
  it('exports the mail outbox backlog, and counts a Login refused for an unverified email as its own outcome', async () => {
    const metrics = createMetrics({ mailOutbox: { backlog: async () => 4 } });
    metrics.observeRpc('Login', status.FAILED_PRECONDITION, 0.01, 'EMAIL_NOT_VERIFIED');
    const text = await metrics.registry.metrics();
    expect(text).to.match(/^clientauth_mail_outbox_backlog 4$/m);
    expect(text).to.match(/^clientauth_logins_total\{outcome="email_not_verified"\} 1$/m);
    expect(text).to.match(/^clientauth_logins_total\{outcome="error"\} 0$/m);
  });
});
