import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { DomainError, invalidArgument, REASONS, type Reason, UnavailableError } from '../../../src/domain/kernel/errors.js';
import { errorDetailOf } from '../../../src/sdk/error-details.js';
import { toServiceError } from '../../../src/transport/grpc/status-mapping.js';
import { recordingLogger } from '../../support/server.js';

describe('The error to gRPC status mapping', () => {
  it("keeps a domain error's message, reason and field", () => {
    const mapped = toServiceError(invalidArgument('email', 'email is not a valid email address'), recordingLogger([]), 'RegisterUser');
    expect(mapped.code).to.equal(status.INVALID_ARGUMENT);
    expect(mapped.details).to.equal('email is not a valid email address');
    expect(errorDetailOf(mapped)).to.deep.equal({ reason: 'INVALID_ARGUMENT', field: 'email' });
    expect(mapped.metadata!.get('clientauth-reason')).to.deep.equal(['INVALID_ARGUMENT']);
  });

  it('maps every kind of domain error to its code', () => {
    const cases: Array<[DomainError, status]> = [
      [new DomainError('TOKEN_EXPIRED', 'x'), status.UNAUTHENTICATED],
      [new DomainError('PERMISSION_DENIED', 'x'), status.PERMISSION_DENIED],
      [new DomainError('CLIENT_NOT_FOUND', 'x'), status.NOT_FOUND],
      [new DomainError('EMAIL_TAKEN', 'x'), status.ALREADY_EXISTS],
      [new DomainError('NOT_A_USER', 'x'), status.FAILED_PRECONDITION],
      [new DomainError('TOO_MANY_ATTEMPTS', 'x'), status.RESOURCE_EXHAUSTED],
      [new DomainError('UNAVAILABLE', 'x'), status.UNAVAILABLE],
    ];
    for (const [error, code] of cases) expect(toServiceError(error, recordingLogger([]), 'M').code).to.equal(code);
  });

  it('gives each reason of the catalogue one code and its catalogue message, wherever it is raised', () => {
    for (const reason of Object.keys(REASONS) as Reason[]) {
      const mapped = toServiceError(new DomainError(reason), recordingLogger([]), 'M');
      expect(mapped.details, reason).to.equal(REASONS[reason].message);
      expect(errorDetailOf(mapped)!.reason).to.equal(reason);
    }
    // A suspended client's credentials prove nobody: 401 from every RPC, never 403.
    expect(toServiceError(new DomainError('CLIENT_SUSPENDED'), recordingLogger([]), 'Login').code).to.equal(status.UNAUTHENTICATED);
  });

  it('turns an unexpected error into INTERNAL with no internal text, and logs the cause', () => {
    const logs: string[] = [];
    const mapped = toServiceError(new TypeError('cannot read secretHash of undefined at /srv/app.js'), recordingLogger(logs), 'Login');
    expect(mapped.code).to.equal(status.INTERNAL);
    expect(mapped.details).to.equal('internal error');
    expect(errorDetailOf(mapped)!.reason).to.equal('INTERNAL');
    expect(logs.join('\n')).to.contain('cannot read secretHash');
  });

  it("turns an adapter's UnavailableError into UNAVAILABLE without the driver's text, and logs the cause", () => {
    const logs: string[] = [];
    const driverError = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:27017'), { name: 'MongoServerSelectionError' });
    const mapped = toServiceError(new UnavailableError('the client store', { cause: driverError }), recordingLogger(logs), 'Login');
    expect(mapped.code).to.equal(status.UNAVAILABLE);
    expect(errorDetailOf(mapped)!.reason).to.equal('UNAVAILABLE');
    expect(mapped.details).to.equal('the client store is unavailable; retry later');
    expect(logs.join('\n')).to.contain('ECONNREFUSED');
  });

  it("knows no driver: a driver's error that no adapter translated is INTERNAL, whatever its name", () => {
    const outage = Object.assign(new Error('connection refused'), { name: 'MongoServerSelectionError' });
    const mapped = toServiceError(outage, recordingLogger([]), 'Login');
    expect(mapped.code).to.equal(status.INTERNAL);
    expect(mapped.details).not.to.contain('connection refused');
  });
});
