import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { DomainError, invalidArgument, REASONS, type Reason } from '../../../src/domain/kernel/errors.js';
import { ERROR_DOMAIN, richStatusOf } from '../../../src/sdk/error-details.js';
import { toServiceError } from '../../../src/transport/grpc/status-mapping.js';
import { recordingLogger } from '../../support/server.js';

describe('The rich status every error carries', () => {
  it('holds the code, the message and an ErrorInfo with the reason for every reason of the catalogue', () => {
    for (const reason of Object.keys(REASONS) as Reason[]) {
      const mapped = toServiceError(new DomainError(reason), recordingLogger([]), 'M');
      const rich = richStatusOf(mapped)!;
      expect(rich.status.code, reason).to.equal(mapped.code);
      expect(rich.status.message, reason).to.equal(REASONS[reason].message);
      expect(rich.errorInfo, reason).to.deep.equal({ reason, domain: ERROR_DOMAIN, metadata: {} });
      expect(rich.badRequest, reason).to.equal(undefined);
    }
  });

  it('names the field at fault in a BadRequest field violation', () => {
    const rich = richStatusOf(toServiceError(invalidArgument('page_size', 'page_size must be at most 100'), recordingLogger([]), 'ListClients'))!;
    expect(rich.status.code).to.equal(status.INVALID_ARGUMENT);
    expect(rich.badRequest!.fieldViolations).to.deep.equal([
      { field: 'page_size', description: 'page_size must be at most 100', reason: 'INVALID_ARGUMENT', localizedMessage: undefined },
    ]);
  });

  it('gives an unexpected error the INTERNAL reason and no internal text', () => {
    const rich = richStatusOf(toServiceError(new Error('secret stack detail'), recordingLogger([]), 'M'))!;
    expect(rich.status).to.include({ code: status.INTERNAL, message: 'internal error' });
    expect(rich.errorInfo!.reason).to.equal('INTERNAL');
  });
});
