/** What the admin console's suites share: a page stack with its bootstrap admin, more admins, and browsers signed in as them. */
import { PageBrowser } from '../../support/page-browser.js';
import { ADMIN, PASSWORD, type PageStack, registerPerson } from '../../support/page-fixture.js';

export { ADMIN, PASSWORD };

/** An access token of the bootstrap admin (ADMIN_EMAIL), for arranging state through the service. */
export async function adminToken(stack: PageStack): Promise<string> {
  return (await stack.server.api.login(ADMIN)).accessToken;
}

/** A new person made an admin by the bootstrap admin; its id and email. */
export async function newAdmin(stack: PageStack): Promise<{ id: string; email: string }> {
  const person = await registerPerson(stack.server, 'Grace', 'Hopper');
  await stack.server.api.setClientGroups({ clientId: person.id, groups: ['admin'] }, { token: await adminToken(stack) });
  return person;
}

/** A browser signed in through /sign-in with `email` and the suites' password. */
export async function signedInBrowser(stack: PageStack, email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<PageBrowser> {
  const browser = new PageBrowser(stack.bridge.url, headers);
  const answer = await browser.signIn(email, password);
  if (answer.status !== 303) throw new Error(`signing in as ${email} answered ${answer.status}`);
  return browser;
}
