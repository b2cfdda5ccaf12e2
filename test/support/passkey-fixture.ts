/**
 * What the passkey suites share: a page stack whose bridge is a WebAuthn origin, a virtual
 * authenticator (Chrome DevTools Protocol WebAuthn domain) standing in for a phone or a
 * security key, and a passkey registered through the JSON routes as an account page does.
 *
 * WebAuthn needs a domain, not an IP address, as the relying party id: the pages are
 * opened at http://localhost:<port> (a secure context over plain HTTP), and Chromium is
 * told to resolve localhost to 127.0.0.1 (LOCALHOST_SWITCH). The service must know that
 * origin before the bridge listens, so a TCP proxy takes a port first and is pointed at
 * the bridge once it runs.
 */
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { type PageStack, startPageStack } from './page-fixture.js';
import type { Setup } from './server.js';
import { startTcpProxy } from './tcp-proxy.js';

/** For launchChromium: localhost is 127.0.0.1, where the bridge and its proxy listen. */
export const LOCALHOST_SWITCH = '--host-resolver-rules=MAP localhost 127.0.0.1';

export interface PasskeyPageStack extends PageStack {
  /** The bridge as the browser opens it: http://localhost:<port>, the one WebAuthn origin. */
  url: string;
}

/** A page stack on either set-up with passkeys on (WEBAUTHN_RP_ID localhost, WEBAUTHN_ORIGINS the bridge's origin), for the service and the pages. */
export async function startPasskeyPageStack(
  setup: Setup,
  ctx: Mocha.Context,
  label: string,
  env: Record<string, string> = {},
  bridgeEnv: Record<string, string> = {},
): Promise<PasskeyPageStack> {
  // Nothing listens on the discard port: until the bridge runs, a connection fails.
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 9 });
  const url = `http://localhost:${proxy.address.split(':')[1]}`;
  const webauthn = { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: url };
  let stack: PageStack;
  try {
    stack = await startPageStack(setup, ctx, label, { ...webauthn, ...env }, { ...webauthn, ...bridgeEnv });
  } catch (error) {
    await proxy.close();
    throw error;
  }
  proxy.retarget({ host: '127.0.0.1', port: stack.bridge.port });
  return {
    ...stack,
    url,
    close: async () => {
      await proxy.close();
      await stack.close();
    },
  };
}

export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
}

/** A virtual authenticator on the page: a platform authenticator that verifies its user and keeps discoverable credentials. */
export async function addVirtualAuthenticator(context: BrowserContext, page: Page): Promise<VirtualAuthenticator> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/**
 * Adds a passkey for whoever is signed in on `page` (a page of the bridge, script on),
 * through POST /passkeys/register/begin and /finish and the browser's own WebAuthn JSON
 * helpers; returns the finish route's status and body.
 */
export function registerPasskey(page: Page, name: string): Promise<{ status: number; body: any }> {
  return page.evaluate(async (passkeyName) => {
    const post = async (path: string, body: unknown) => {
      const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, body: await response.json() };
    };
    const begun = await post('/passkeys/register/begin', {});
    if (begun.status !== 200) return begun;
    const publicKey = (PublicKeyCredential as any).parseCreationOptionsFromJSON(begun.body.options);
    const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
    return post('/passkeys/register/finish', { ceremony_token: begun.body.ceremony_token, response: (credential as any).toJSON(), name: passkeyName });
  }, name);
}

/** Presses a passkey button while the authenticator holds no passkey, so the ceremony fails, and waits for the alert; the passkey is put back. */
export async function passkeyNotUsed(page: Page, authenticator: VirtualAuthenticator, button: string): Promise<void> {
  const { cdp, authenticatorId } = authenticator;
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
  try {
    await page.getByRole('button', { name: button }).click();
    await page.locator('#passkey-error').waitFor({ state: 'visible' });
  } finally {
    for (const credential of credentials) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
  }
}
