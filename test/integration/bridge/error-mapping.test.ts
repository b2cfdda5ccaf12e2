import { Metadata, status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { toHttpError } from '../../../bridge/middleware/error-middleware.js';
import { HttpError } from '../../../bridge/middleware/http-error.js';
import { ErrorDetail } from '../../../gen/clientauth/v1/client.js';
import { REASONS } from '../../../src/domain/kernel/errors.js';
import { ERROR_DETAIL_KEY } from '../../../src/sdk/error-details.js';

/** A gRPC error as the client library raises it, optionally with the service's ErrorDetail. */
function grpcError(code: status, details: string, detail?: { reason: string; field?: string }): Error {
  const metadata = new Metadata();
  if (detail) metadata.set(ERROR_DETAIL_KEY, Buffer.from(ErrorDetail.encode({ reason: detail.reason, field: detail.field ?? '' }).finish()));
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

describe('The bridge maps gRPC statuses to HTTP in one place', () => {
  const mapped: Array<[status, number, string]> = [
    [status.INVALID_ARGUMENT, 400, 'INVALID_ARGUMENT'],
    [status.FAILED_PRECONDITION, 400, 'NOT_A_USER'],
    [status.UNAUTHENTICATED, 401, 'TOKEN_EXPIRED'],
    [status.PERMISSION_DENIED, 403, 'PERMISSION_DENIED'],
    [status.NOT_FOUND, 404, 'CLIENT_NOT_FOUND'],
    [status.ALREADY_EXISTS, 409, 'EMAIL_TAKEN'],
    [status.RESOURCE_EXHAUSTED, 429, 'MESSAGE_TOO_LARGE'],
    [status.UNAVAILABLE, 503, 'UNAVAILABLE'],
  ];
  for (const [code, httpStatus, reason] of mapped) {
    it(`answers ${status[code]} / ${reason} from the service with HTTP ${httpStatus}, its message and reason`, () => {
      expect(toHttpError(grpcError(code, 'what the service said', { reason }))).to.deep.equal({
        status: httpStatus,
        body: { message: 'what the service said', reason },
      });
    });
  }

  it('answers INTERNAL from the service with a bare 500 that shows none of its text', () => {
    const mappedError = toHttpError(grpcError(status.INTERNAL, 'E11000 duplicate key in client_auth.sessions', { reason: 'INTERNAL' }));
    expect(mappedError).to.deep.equal({ status: 500, body: { message: 'internal error', reason: 'INTERNAL' } });
  });

  it("answers a misconfiguration with 500, its reason and the catalogue's message, never the text the status carries", () => {
    const mappedError = toHttpError(grpcError(status.INTERNAL, 'unknown requirement "Group" at /srv/app.js', { reason: 'GATEWAY_MISCONFIGURED' }));
    expect(mappedError).to.deep.equal({ status: 500, body: { message: REASONS.GATEWAY_MISCONFIGURED.message, reason: 'GATEWAY_MISCONFIGURED' } });
  });

  it('answers a status the service never sends, or a bug in the bridge, with the same bare 500', () => {
    const unknown = toHttpError(grpcError(status.UNKNOWN, 'TypeError: x is undefined at /srv/app.js:10', undefined));
    const bug = toHttpError(new TypeError("Cannot read properties of undefined (reading 'id') at /srv/bridge/routes.js:42"));
    for (const result of [unknown, bug]) {
      expect(result).to.deep.equal({ status: 500, body: { message: 'internal error', reason: 'INTERNAL' } });
    }
  });

  it('replaces the transport text of a failure that did not come from the service', () => {
    const refused = toHttpError(grpcError(status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED 10.0.0.7:50051'));
    expect(refused.status).to.equal(503);
    expect(JSON.stringify(refused.body)).not.to.contain('10.0.0.7');
  });

  it('keeps the field of an INVALID_ARGUMENT and renames it to the JSON name the route uses', () => {
    const error = grpcError(status.INVALID_ARGUMENT, 'client_id is not a client id', { reason: 'INVALID_ARGUMENT', field: 'client_id' });
    expect(toHttpError(error, { client_id: 'id' })).to.deep.equal({
      status: 400,
      body: { message: 'id is not a client id', reason: 'INVALID_ARGUMENT', field: 'id' },
    });
  });

  it("passes the bridge's own errors through with their status, reason and field", () => {
    expect(toHttpError(new HttpError('UNSUPPORTED_MEDIA_TYPE', 'send JSON'))).to.deep.equal({
      status: 415,
      body: { message: 'send JSON', reason: 'UNSUPPORTED_MEDIA_TYPE' },
    });
  });
});
