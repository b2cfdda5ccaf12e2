import { Metadata, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { localeOf } from '../../../bridge/messages/catalogue.js';
import { HttpError } from '../../../bridge/middleware/http-error.js';
import { expectedFailureOf, failureMessage, pageFailureOf } from '../../../bridge/pages/page-failure.js';

/** A failure as grpc-js hands it to the bridge when the service could not be reached: no ErrorDetail. */
function unreachable() {
  return Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
    code: status.UNAVAILABLE,
    details: 'No connection established',
    metadata: new Metadata(),
  });
}

describe('Failures on a page', () => {
  const en = localeOf('en');

  it('keeps the status the JSON routes answer with, and words each reason a person can act on', () => {
    expect(pageFailureOf(new HttpError('SERVER_BUSY', 'busy'))).to.deep.equal({ status: 429, reason: 'SERVER_BUSY' });
    expect(failureMessage(en, { status: 429, reason: 'SERVER_BUSY', retryAfterSeconds: 5 })).to.equal('The service is busy. Try again in 5 seconds.');
    expect(failureMessage(localeOf('de'), { status: 429, reason: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 600 })).to.equal(
      'Zu viele Versuche. Versuchen Sie es in 10 Minuten erneut.',
    );
    const down = pageFailureOf(unreachable());
    expect(down).to.deep.equal({ status: 503, reason: 'UNAVAILABLE' });
    expect(failureMessage(en, down)).to.equal('The service cannot be reached right now. Try again in a moment.');
  });

  it('reads every way of having no working session as one: sign in again', () => {
    for (const reason of ['TOKEN_MISSING', 'TOKEN_EXPIRED', 'SESSION_REVOKED'] as const)
      expect(pageFailureOf(new HttpError(reason, 'x')).reason).to.equal('SESSION_ENDED');
  });

  it('throws the unexpected on to the error middleware, which logs it, instead of showing it on a form', () => {
    const boom = new Error('a bug');
    expect(pageFailureOf(boom)).to.deep.equal({ status: 500, reason: 'INTERNAL' });
    expect(() => expectedFailureOf(boom)).to.throw(boom);
    expect(expectedFailureOf(new HttpError('INVALID_CREDENTIALS', 'x')).reason).to.equal('INVALID_CREDENTIALS');
  });
});
