/**
 * A verifier nobody on this project wrote: test/interop/jwks-verify, a Go program on
 * github.com/lestrrat-go/jwx that fetches the bridge's JWKS over HTTP, caches it for the
 * Cache-Control max-age it is sent, and verifies tokens, before, during and after a rotation.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { requireTool } from '../../support/go-tools.js';
import { headerOf } from '../../support/jws.js';
import { startTestServer, type TestServer, testEnv } from '../../support/server.js';
import { requireServices } from '../../support/services.js';
import { startTestBridge, type TestBridge } from '../bridge/bridge-fixture.js';

const PASSWORD = 'correct horse battery';
const ADMIN = { email: 'jwks-admin@example.com', password: 'admin password 1' };

/** The verifier as a child process: one token in, one verdict line out. */
class GoVerifier {
  private readonly verdicts: string[] = [];
  private readonly waiting: Array<(line: string) => void> = [];
  readonly stderr: string[] = [];

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.verdicts.push(line);
    });
    child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
  }

  next(timeoutMs = 5000): Promise<string> {
    const ready = this.verdicts.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`jwks-verify said nothing: ${this.stderr.join('')}`)), timeoutMs);
      this.waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  verify(token: string): Promise<string> {
    this.child.stdin.write(`${token}\n`);
    return this.next();
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

describe("A Go service verifying tokens with lestrrat-go/jwx against the bridge's JWKS", function () {
  this.timeout(60000);
  let server: TestServer;
  let bridge: TestBridge;
  let verifier: GoVerifier;

  before(async function () {
    const binary = requireTool(this, 'jwks-verify');
    server = await startTestServer(
      testEnv(requireServices(this), 'jwks_verify', {
        JWT_ALGORITHM: 'ES256',
        KEY_ENCRYPTION_KEY: 'a-key-encryption-key-of-at-least-32-bytes!',
        // Four seconds ahead: the JWKS is sent with max-age=1, so the verifier refetches every second.
        SIGNING_KEY_PUBLISH_AHEAD: '4s',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      }),
    );
    bridge = await startTestBridge(server.address);
    verifier = new GoVerifier(spawn(binary, ['-jwks', `${bridge.url}/.well-known/jwks.json`, '-min-refresh', '1s']));
    expect(await verifier.next(15000)).to.equal('ready');
  });
  after(async () => {
    verifier?.stop();
    await bridge?.close();
    await server?.close();
  });

  it('accepts every token issued before, during and after a rotation, and refuses a forged one', async () => {
    const { client } = await server.api.registerUser({
      email: 'go@example.com',
      password: PASSWORD,
      firstName: '',
      lastName: '',
      phoneNumber: '',
      attributes: {},
    });
    const tokenNow = async () => (await server.api.login({ email: 'go@example.com', password: PASSWORD })).accessToken;

    const first = await tokenNow();
    expect(await verifier.verify(first)).to.equal(`ok ${client!.id} ${headerOf(first)['kid']}`);

    const adminToken = (await server.api.login(ADMIN)).accessToken;
    const rotated = await server.api.rotateSigningKey({}, { token: adminToken });
    const verdicts: string[] = [];
    const kids = new Set<string>();
    const until = rotated.activateTime!.getTime() + 1500;
    while (Date.now() < until) {
      const token = await tokenNow();
      kids.add(headerOf(token)['kid'] as string);
      verdicts.push(await verifier.verify(token));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(verdicts.filter((verdict) => !verdict.startsWith('ok '))).to.deep.equal([]);
    expect([...kids]).to.deep.equal([headerOf(first)['kid'], rotated.kid]);
    expect(await verifier.verify(first)).to.match(/^ok /);

    const [head, body] = first.split('.');
    expect(await verifier.verify(`${head}.${body}.${'A'.repeat(86)}`)).to.match(/^refused /);
  });
});
