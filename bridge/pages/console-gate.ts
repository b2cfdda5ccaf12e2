/**
 * Who may open the admin console (docs/console.md): a signed-in client in the `admin`
 * group, read from its live record (GetMe) on every request, never from the token's
 * claims, so an admin demoted a moment ago is refused at the next request. A browser
 * without a session goes to /sign-in and comes back (pages/signed-in.ts); a signed-in
 * client that is not an admin gets the 403 page. Every console page goes through here.
 */
import type { Context } from 'koa';
import type { Client } from '../../gen/clientauth/v1/client.js';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';
import type { PageRouteDependencies } from '../routes/page-dependencies.js';
import { signedInPage } from './signed-in.js';

/** The group the console is for, as the service names it (src/domain/kernel/client.ts). */
export const CONSOLE_GROUP = 'admin';

/** A console page's handler: its calls carry the admin's session; `admin` is the admin's live record. */
export type AdminHandler = (ctx: Context, call: ClientAuthCallOptions, admin: Client) => Promise<void>;

type GateDependencies = Pick<PageRouteDependencies, 'api' | 'cookies' | 'callTimeoutMs' | 'renderer'>;

export function adminPage(deps: GateDependencies, handler: AdminHandler): (ctx: Context) => Promise<void> {
  return signedInPage(deps, async (ctx, call) => {
    const { client } = await deps.api.getMe({}, call);
    if (!client) throw new Error('the service answered GetMe without a client');
    if (!client.groups.includes(CONSOLE_GROUP)) return deps.renderer.renderFailure(ctx, { status: 403, reason: 'PERMISSION_DENIED' });
    await handler(ctx, call, client);
  });
}
