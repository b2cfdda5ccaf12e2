import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { RegisterUserRequest, ValidateTokenRequest } from '../../../gen/clientauth/v1/client_auth.js';
import { richStatusOf } from '../../../src/index.js';
import { run, TOOLS_BIN } from '../../support/go-tools.js';
import { repoRoot } from '../../support/paths.js';
import { embeddedEnv, startTestServer, type TestServer } from '../../support/server.js';
import { skipOrFailInCI } from '../../support/skip-or-fail.js';

/** What the Go and Python readers print: the status as their languages' stock helpers decode it. */
interface ReadError {
  code: number;
  message: string;
  reason: string;
  domain: string;
  metadata: Record<string, string>;
  violations: { field: string; description: string }[];
}

const REGISTER = '/clientauth.v1.ClientAuth/RegisterUser';
const VALIDATE = '/clientauth.v1.ClientAuth/ValidateToken';
const badEmail = Buffer.from(
  RegisterUserRequest.encode(RegisterUserRequest.fromPartial({ email: 'not-an-email', password: 'correct horse battery' })).finish(),
).toString('base64');
const badToken = Buffer.from(ValidateTokenRequest.encode({ token: 'not-a-jwt' }).finish()).toString('base64');

const GO_READER = join(TOOLS_BIN, 'rich-error-reader-go');
const PYTHON = join(repoRoot(), '.cache', 'venv', 'rich-errors', 'bin', 'python');
const PYTHON_READER = join(repoRoot(), 'test', 'interop', 'rich-errors-python', 'read_error.py');

function expectInvalidEmail(read: ReadError): void {
  expect(read.code).to.equal(status.INVALID_ARGUMENT);
  expect(read.reason).to.equal('INVALID_ARGUMENT');
  expect(read.domain).to.equal('clientauth.v1');
  expect(read.metadata).to.deep.equal({ field: 'email' });
  expect(read.violations).to.deep.equal([{ field: 'email', description: 'email is not a valid email address' }]);
}

function expectInvalidToken(read: ReadError): void {
  expect(read.code).to.equal(status.UNAUTHENTICATED);
  expect(read.reason).to.equal('TOKEN_INVALID');
  expect(read.domain).to.equal('clientauth.v1');
  expect(read.violations).to.deep.equal([]);
}

describe('Errors in the standard rich error model (grpc-status-details-bin)', function () {
  this.timeout(30000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer(embeddedEnv());
  });
  after(async () => server?.close());

  it('carry an ErrorInfo and, for a bad field, a BadRequest that the typed client decodes', async () => {
    const refused = (await server.api
      .registerUser({ email: 'not-an-email', password: 'correct horse battery', firstName: '', lastName: '', phoneNumber: '', attributes: {} })
      .catch((e: unknown) => e)) as { code: number };
    expect(refused.code).to.equal(status.INVALID_ARGUMENT);
    const rich = richStatusOf(refused as never)!;
    expect(rich.status.code).to.equal(status.INVALID_ARGUMENT);
    expect(rich.errorInfo).to.deep.equal({ reason: 'INVALID_ARGUMENT', domain: 'clientauth.v1', metadata: { field: 'email' } });
    expect(rich.badRequest!.fieldViolations.map((v) => v.field)).to.deep.equal(['email']);
  });

  describe('read by Go with status.FromError(err).Details()', () => {
    before(function () {
      if (!existsSync(GO_READER))
        skipOrFailInCI(this, `${GO_READER} is missing; build it with: go -C test/interop/rich-errors-go build -o ../../../.cache/bin/rich-error-reader-go .`);
    });

    for (const [title, method, request, check] of [
      ['the reason and the field of an INVALID_ARGUMENT', REGISTER, badEmail, expectInvalidEmail],
      ['the reason of an UNAUTHENTICATED, with no field violations', VALIDATE, badToken, expectInvalidToken],
    ] as const) {
      it(title, async () => {
        const result = await run(GO_READER, ['-address', server.address, '-method', method, '-request', request]);
        expect(result.exitCode, result.stderr).to.equal(0);
        check(JSON.parse(result.stdout) as ReadError);
      });
    }
  });

  describe('read by Python with grpc_status.rpc_status.from_call()', () => {
    before(function () {
      if (!existsSync(PYTHON)) {
        skipOrFailInCI(
          this,
          `${PYTHON} is missing; make it with: python3 -m venv .cache/venv/rich-errors && .cache/venv/rich-errors/bin/pip install -r test/interop/rich-errors-python/requirements.txt`,
        );
      }
    });

    for (const [title, method, request, check] of [
      ['the reason and the field of an INVALID_ARGUMENT', REGISTER, badEmail, expectInvalidEmail],
      ['the reason of an UNAUTHENTICATED, with no field violations', VALIDATE, badToken, expectInvalidToken],
    ] as const) {
      it(title, async () => {
        const result = await run(PYTHON, [PYTHON_READER, '--address', server.address, '--method', method, '--request', request], 30_000);
        expect(result.exitCode, result.stderr).to.equal(0);
        check(JSON.parse(result.stdout) as ReadError);
      });
    }
  });
});
