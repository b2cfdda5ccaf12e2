/**
 * Drives full authorization-code + PKCE round trips against the OpenID Provider without a
 * browser (test/support/oidc-sign-in.ts): the authorization request, the hosted sign-in by
 * form post with a cookie jar, the redirect with the code, and the code exchanged at the
 * token endpoint with the verifier. `flows` people run at once, one chain each.
 * mode 'signIn': every round trip starts with a fresh jar, so it signs in (the password hash
 * included); mode 'session': the jar keeps the provider's session after the first sign-in,
 * as a person's browser does when a second app signs them in.
 * Started by oidc-figures.ts on the load generator's core; announces its figures.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createClientAuthClient } from '../../src/sdk/typed-client.js';
import { CookieJar, followToRedirect } from '../support/oidc-sign-in.js';
import { announce, stopWithRunner } from './child.js';
import { percentile } from './load-generators.js';

interface Settings {
  grpcAddress: string;
  bridgeUrl: string;
  admin: { email: string; password: string };
  mode: 'signIn' | 'session';
  flows: number;
  warmUpSeconds: number;
  seconds: number;
}

/** Never visited: the round trip ends when the provider sends the browser there. */
const REDIRECT = 'http://127.0.0.1:9/callback';

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2]!) as Settings;
  stopWithRunner(async () => {});
  const api = createClientAuthClient(settings.grpcAddress, { deadlineMs: 30_000 });
  const admin = (await api.login(settings.admin)).accessToken;
  const tag = `${settings.mode}-${Date.now().toString(36)}`;
  const registered = await api.registerService({ email: `oidc-rp-${tag}@example.com`, name: 'round trips', groups: [] }, { token: admin });
  const rp = { id: registered.client!.id, secret: registered.clientSecret };
  await api.setOidcClient(
    {
      clientId: rp.id,
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [],
      publicClient: false,
      firstParty: true,
      scopes: ['openid', 'email'],
      grantTypes: ['authorization_code'],
    },
    { token: admin },
  );
  // One at a time: the server sheds hashes beyond its queue (SERVER_BUSY), and these are set-up, not load.
  const people: Array<{ email: string; password: string }> = [];
  for (let index = 0; index < settings.flows; index++) {
    const person = { email: `oidc-person-${index}-${tag}@example.com`, password: `bench-${randomBytes(12).toString('base64url')}` };
    await api.registerUser({ ...person, firstName: 'Bench', lastName: 'Person', phoneNumber: '', attributes: {} });
    people.push(person);
  }
  api.close();

  const basic = `Basic ${Buffer.from(`${encodeURIComponent(rp.id)}:${encodeURIComponent(rp.secret)}`).toString('base64')}`;
  const roundTrip = async (person: { email: string; password: string }, jar: CookieJar) => {
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL('/oidc/authorize', settings.bridgeUrl);
    authorize.search = new URLSearchParams({
      client_id: rp.id,
      response_type: 'code',
      redirect_uri: REDIRECT,
      scope: 'openid email',
      state: randomBytes(9).toString('base64url'),
      nonce: randomBytes(9).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const back = await followToRedirect(authorize.href, REDIRECT, jar, person);
    const code = back.searchParams.get('code');
    if (code === null) throw Object.assign(new Error(back.searchParams.get('error') ?? 'no code'), { reason: back.searchParams.get('error') ?? 'no_code' });
    const exchange = await fetch(`${settings.bridgeUrl}/oidc/token`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
    });
    const body = (await exchange.json()) as { id_token?: string; error?: string };
    if (exchange.status !== 200 || !body.id_token)
      throw Object.assign(new Error(body.error ?? `HTTP ${exchange.status}`), { reason: body.error ?? `http_${exchange.status}` });
  };

  const started = Date.now();
  const measuredFrom = started + settings.warmUpSeconds * 1000;
  const measuredUntil = measuredFrom + settings.seconds * 1000;
  const latenciesMs: number[] = [];
  const failures: Record<string, number> = {};
  await Promise.all(
    people.map(async (person) => {
      let jar = new CookieJar();
      while (Date.now() < measuredUntil) {
        if (settings.mode === 'signIn') jar = new CookieJar();
        const from = performance.now();
        const at = Date.now();
        try {
          await roundTrip(person, jar);
          if (at >= measuredFrom) latenciesMs.push(performance.now() - from);
        } catch (error) {
          const reason = (error as { reason?: string }).reason ?? (error as Error).message.slice(0, 80);
          failures[reason] = (failures[reason] ?? 0) + 1;
          jar = new CookieJar();
        }
      }
    }),
  );
  announce({
    perSecond: latenciesMs.length / settings.seconds,
    roundTrips: latenciesMs.length,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    failures,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`oidc round-trip driver: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
