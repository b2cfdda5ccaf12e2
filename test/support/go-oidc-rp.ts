/**
 * test/interop/oidc-rp (built by .ci/run into .cache/bin): a Go relying party on
 * github.com/coreos/go-oidc/v3 and golang.org/x/oauth2 that finds our provider by discovery,
 * verifies ID tokens and exchanges codes with PKCE. One run, one JSON verdict.
 */
import { spawn } from 'node:child_process';

export interface GoRpVerdict {
  ok: boolean;
  /** Where it failed: discovery, exchange, verify, nonce, claims, userinfo. */
  stage?: string;
  error?: string;
  issuer?: string;
  subject?: string;
  audience?: string[];
  expiry?: string;
  nonce?: string;
  acr?: string;
  amr?: string[];
  exchanged?: boolean;
  token_type?: string;
  has_refresh_token?: boolean;
  userinfo_subject?: string;
  userinfo_email?: string;
}

export interface GoRpRun {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  nonce?: string;
  /** Verify this ID token (sent on stdin, kept out of the process list). */
  idToken?: string;
  /** Or exchange this code with its verifier first. */
  code?: { code: string; verifier: string; redirectUri: string };
}

export function runGoRp(binary: string, run: GoRpRun): Promise<GoRpVerdict> {
  const args = ['-issuer', run.issuer, '-client-id', run.clientId];
  if (run.clientSecret) args.push('-client-secret', run.clientSecret);
  if (run.nonce) args.push('-nonce', run.nonce);
  if (run.code) args.push('-code', run.code.code, '-code-verifier', run.code.verifier, '-redirect-uri', run.code.redirectUri);
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: 20_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(run.idToken ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        resolve(JSON.parse(stdout) as GoRpVerdict);
      } catch {
        reject(new Error(`oidc-rp exited ${code} without a verdict: ${stdout}${stderr}`));
      }
    });
  });
}
