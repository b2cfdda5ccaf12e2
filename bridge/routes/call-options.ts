/** What every call to the service made for a browser request carries: its deadline, request id, user agent, client IP and token. */
import type { Context } from 'koa';
import type { ClientAuthCallOptions } from '../../src/sdk/typed-client.js';

export function callOptionsOf(ctx: Context, deadlineMs: number, token?: string): ClientAuthCallOptions {
  return {
    deadlineMs,
    requestId: ctx.state['requestId'] as string,
    userAgent: ctx.get('User-Agent'),
    // The one client IP of the bridge (middleware/browser-ip.ts), never Koa's ctx.ip.
    clientIp: ctx.state['clientIp'] as string,
    ...(token ? { token } : {}),
  };
}
