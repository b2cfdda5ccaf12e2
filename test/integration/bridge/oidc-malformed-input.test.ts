/**
 * Malformed requests at the OpenID Provider's endpoints (bodies that are not forms, repeated
 * parameters, broken escapes, bytes that are not UTF-8, values past the body limit, broken
 * Basic credentials): each is answered below 500, never a 5xx or a dropped connection.
 */
import { expect } from 'chai';
import { type OidcStack, registerApp, startOidcStack } from '../../support/oidc-fixture.js';
import { SETUP_TITLES, SETUPS } from '../../support/server.js';

const FORM = 'application/x-www-form-urlencoded';

for (const setup of SETUPS)
  describe(`Malformed requests at the OpenID Provider (${SETUP_TITLES[setup]})`, function () {
    this.timeout(60000);
    let stack: OidcStack;
    let app: { id: string; secret: string; redirectUri: string };
    let basic: string;
    before(async function () {
      stack = await startOidcStack(setup, this, 'oidc_malformed');
      app = await registerApp(stack);
      basic = `Basic ${Buffer.from(`${encodeURIComponent(app.id)}:${encodeURIComponent(app.secret)}`).toString('base64')}`;
    });
    after(async () => stack?.close());

    async function post(path: string, body: string | Uint8Array, headers: Record<string, string>) {
      const answer = await stack.fetch(`https://auth.example.test${path}`, {
        method: 'POST',
        body: typeof body === 'string' ? body : Buffer.from(body),
        headers,
        redirect: 'manual',
      });
      return { status: answer.status, text: await answer.text() };
    }

    const bodies: Array<[string, string | Uint8Array, string]> = [
      ['a JSON body', '{"token":"x","grant_type":"client_credentials"}', 'application/json'],
      ['no content type', 'token=x&grant_type=client_credentials', ''],
      ['a repeated parameter', 'token=x&token=y&grant_type=client_credentials&grant_type=refresh_token&token_type_hint=a&token_type_hint=b', FORM],
      ['a broken percent escape', 'token=%E0%A4%A&grant_type=%ZZ', FORM],
      ['bytes that are not UTF-8', new Uint8Array([0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x3d, 0xff, 0xfe, 0xc3]), FORM],
      ['a huge value', `token=${'a'.repeat(60_000)}&grant_type=client_credentials`, FORM],
      ['a body past the limit', `token=${'a'.repeat(2_000_000)}`, FORM],
      ['a JWT-shaped garbage token', 'token=a.b.c&grant_type=refresh_token&refresh_token=a.b.c', FORM],
      ['a JWT-shaped token whose parts are not base64url JSON', 'token=eyJhbGciOiJFUzI1NiJ9.e30.AAAA&refresh_token=x.y.z&grant_type=refresh_token', FORM],
      ['an empty body', '', FORM],
      ['parameters with empty names and values', '=&=&&&token&grant_type=', FORM],
    ];
    const paths = ['/oidc/token', '/oidc/introspect', '/oidc/revoke', '/oidc/logout', '/oidc/authorize', '/oidc/userinfo'];
    for (const path of paths)
      it(`${path}: malformed bodies, repeated parameters, huge values, wrong content types: a 4xx or a page, never a 5xx`, async () => {
        const failures: string[] = [];
        for (const [what, body, type] of bodies)
          for (const auth of ['none', 'basic', 'broken basic'] as const) {
            const headers: Record<string, string> = {};
            if (type !== '') headers['Content-Type'] = type;
            if (auth === 'basic') headers['Authorization'] = basic;
            if (auth === 'broken basic') headers['Authorization'] = 'Basic %%%not-base64:::';
            const answer = await post(path, body, headers);
            if (answer.status >= 500) failures.push(`${what}, ${auth} authentication: ${answer.status} ${answer.text.slice(0, 200)}`);
          }
        expect(failures).to.deep.equal([]);
      });
  });
