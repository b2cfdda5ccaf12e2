/**
 * The grpcurl walk-through of docs/api.md, run word for word against the real server: the
 * only change is the address (localhost:50051 becomes the test server's port). All the
 * commands run in one shell, in order, so `TOKEN` carries from Login to the calls after
 * it, as it does for a reader pasting them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { requireTool, runBash, type ToolRun } from '../../support/go-tools.js';
import { repoRoot } from '../../support/paths.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';

const DOCS_ADDRESS = 'localhost:50051';

/** The commands of docs/api.md's "With grpcurl", in order. Keep both in step: a test below checks docs/api.md holds each. */
const GRPCURL_EXAMPLES = {
  list: `grpcurl -plaintext localhost:50051 list`,
  describe: `grpcurl -plaintext localhost:50051 describe clientauth.v1.ClientAuth`,
  health: `grpcurl -plaintext localhost:50051 grpc.health.v1.Health/Check`,
  register: `grpcurl -plaintext -d '{"email": "ada@example.com", "password": "correct horse battery", "first_name": "Ada"}' \\
  localhost:50051 clientauth.v1.ClientAuth/RegisterUser`,
  login: `TOKEN=$(grpcurl -plaintext -d '{"email": "ada@example.com", "password": "correct horse battery"}' \\
  localhost:50051 clientauth.v1.ClientAuth/Login | jq -r .accessToken)`,
  validate: `grpcurl -plaintext -d "{\\"token\\": \\"$TOKEN\\"}" localhost:50051 clientauth.v1.ClientAuth/ValidateToken`,
  getMe: `grpcurl -plaintext -H "authorization: Bearer $TOKEN" localhost:50051 clientauth.v1.ClientAuth/GetMe`,
  wrongPassword: `grpcurl -plaintext -v -d '{"email": "ada@example.com", "password": "not my password"}' \\
  localhost:50051 clientauth.v1.ClientAuth/Login`,
  mySignIns: `grpcurl -plaintext -H "authorization: Bearer $TOKEN" localhost:50051 clientauth.v1.ClientAuth/ListMySignIns`,
  mySessions: `grpcurl -plaintext -H "authorization: Bearer $TOKEN" localhost:50051 clientauth.v1.ClientAuth/ListMySessions`,
} as const;

type ExampleName = keyof typeof GRPCURL_EXAMPLES;

const MARKER = '--- grpcurl example finished:';

/** Runs every example in one bash, and splits the output back into one result per example. */
async function runExamples(address: string): Promise<Record<ExampleName, ToolRun>> {
  const names = Object.keys(GRPCURL_EXAMPLES) as ExampleName[];
  const script = names.map((name) => `${GRPCURL_EXAMPLES[name].split(DOCS_ADDRESS).join(address)} 2>&1\necho "${MARKER} ${name} $?"`).join('\n');
  const { stdout, exitCode } = await runBash(script);
  expect(exitCode, stdout).to.equal(0);
  const results = {} as Record<ExampleName, ToolRun>;
  let rest = stdout;
  for (const name of names) {
    const match = new RegExp(`^${MARKER} ${name} (\\d+)$`, 'm').exec(rest);
    expect(match, `no end marker for "${name}" in:\n${stdout}`).to.not.equal(null);
    results[name] = { exitCode: Number(match![1]), stdout: rest.slice(0, match!.index), stderr: '' };
    rest = rest.slice(match!.index + match![0].length + 1);
  }
  return results;
}

/** Collapses line continuations and runs of blanks, so docs/api.md may wrap lines differently. */
const normalise = (text: string) => text.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();

describe('grpcurl against the running server, as docs/api.md shows', function () {
  this.timeout(60000);
  let server: TestServer;
  let results: Record<ExampleName, ToolRun>;

  before(async function () {
    requireTool(this, 'grpcurl');
    requireTool(this, 'jq');
    const services = requireServices(this);
    server = await startTestServer(testEnv(services, 'grpcurl'));
    results = await runExamples(server.address);
  });
  after(async () => server?.close());

  it("lists ClientAuth, Envoy's ext_authz and the health service by server reflection", () => {
    const { exitCode, stdout } = results.list;
    expect(exitCode, stdout).to.equal(0);
    expect(stdout.trim().split('\n')).to.deep.equal(['clientauth.v1.ClientAuth', 'envoy.service.auth.v3.Authorization', 'grpc.health.v1.Health']);
  });

  it('describes clientauth.v1.ClientAuth with its RPCs, their message types and the API comments', () => {
    const { exitCode, stdout } = results.describe;
    expect(exitCode, stdout).to.equal(0);
    expect(stdout).to.match(/^clientauth\.v1\.ClientAuth is a service:/);
    expect(stdout).to.include('// Logs a user in with email and password, returning an access token and a refresh');
    expect(stdout).to.include('rpc Login ( .clientauth.v1.LoginRequest ) returns ( .clientauth.v1.LoginResponse );');
    expect(stdout).to.include('rpc ValidateToken ( .clientauth.v1.ValidateTokenRequest ) returns ( .clientauth.v1.ValidateTokenResponse );');
    expect(stdout).to.include('rpc RegisterUser (');
  });

  it('reports SERVING from grpc.health.v1.Health/Check', () => {
    expect(results.health.exitCode, results.health.stdout).to.equal(0);
    expect(JSON.parse(results.health.stdout)).to.deep.equal({ status: 'SERVING' });
  });

  it('registers a user and answers with the new client, never a password hash', async () => {
    const { exitCode, stdout } = results.register;
    expect(exitCode, stdout).to.equal(0);
    const { client } = JSON.parse(stdout);
    expect(client).to.include({ email: 'ada@example.com', firstName: 'Ada' });
    expect(client.groups).to.deep.equal(['user']);
    expect(stdout).not.to.match(/\$2[aby]\$|password/i);
    expect(await server.db.collection('clients').countDocuments({ email: 'ada@example.com' })).to.equal(1);
  });

  it('logs in and hands the access token to the next commands (nothing printed, exit 0)', () => {
    expect(results.login.exitCode, results.login.stdout).to.equal(0);
    expect(results.login.stdout).to.equal('');
  });

  it('validates the access token from Login: the client id and groups of the registered user', async () => {
    const { exitCode, stdout } = results.validate;
    expect(exitCode, stdout).to.equal(0);
    const answer = JSON.parse(stdout);
    const registered = JSON.parse(results.register.stdout).client;
    expect(answer.clientId).to.equal(registered.id);
    expect(answer.groups).to.deep.equal(['user']);
    expect(answer.sessionId).to.be.a('string').and.not.equal('');
  });

  it('reads the caller with the token in the authorization header', () => {
    const { exitCode, stdout } = results.getMe;
    expect(exitCode, stdout).to.equal(0);
    expect(JSON.parse(stdout).client).to.include({ email: 'ada@example.com' });
  });

  it('shows a refused login as Unauthenticated with the reason in the clientauth-reason trailer', () => {
    const { exitCode, stdout } = results.wrongPassword;
    // grpcurl exits 64 + the status code: 64 + 16 (UNAUTHENTICATED).
    expect(exitCode, stdout).to.equal(80);
    expect(stdout).to.match(/^Response trailers received:$/m);
    expect(stdout).to.match(/^clientauth-reason: INVALID_CREDENTIALS$/m);
    expect(stdout).to.match(/^\s*Code: Unauthenticated$/m);
    // The standard google.rpc.ErrorInfo, decoded through reflection.
    expect(stdout).to.match(/"@type": "type.googleapis.com\/google.rpc.ErrorInfo",\s+"domain": "clientauth.v1",\s+"reason": "INVALID_CREDENTIALS"/);
    expect(stdout).not.to.include('not my password');
  });

  it("lists the sign-ins of the token's user, the refused one included, newest first", () => {
    const { exitCode, stdout } = results.mySignIns;
    expect(exitCode, stdout).to.equal(0);
    const { signIns } = JSON.parse(stdout);
    expect(signIns.map((signIn: { type: string }) => signIn.type)).to.deep.equal(['login.failed', 'login.succeeded']);
    expect(signIns[0]).to.include({ outcome: 'AUDIT_OUTCOME_FAILURE', actorId: 'anonymous', reason: 'INVALID_CREDENTIALS', clientIp: '127.0.0.1' });
    expect(signIns[1].userAgent).to.match(/grpc-go/);
  });

  it("lists the token's session, marked as the caller's own, with grpcurl's user agent and address", () => {
    const { exitCode, stdout } = results.mySessions;
    expect(exitCode, stdout).to.equal(0);
    const { sessions } = JSON.parse(stdout);
    const validated = JSON.parse(results.validate.stdout);
    expect(sessions).to.have.length(1);
    expect(sessions[0]).to.include({ id: validated.sessionId, current: true, clientIp: '127.0.0.1' });
    expect(sessions[0].userAgent).to.match(/grpc-go/);
    expect(sessions[0].amr).to.deep.equal(['pwd']);
  });

  it('is what docs/api.md shows: every command appears in docs/api.md', () => {
    const text = normalise(readFileSync(join(repoRoot(), 'docs/api.md'), 'utf8'));
    for (const [name, command] of Object.entries(GRPCURL_EXAMPLES)) {
      expect(text.includes(normalise(command)), `docs/api.md lacks the "${name}" example:\n${command}`).to.equal(true);
    }
  });
});
