import type { Context } from 'koa';
import { setHeader } from '../middleware/response-header.js';

/** The Content-Type of every JSON answer, as Koa would set it. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Answers `value` as JSON. Serialised here, so that Koa takes the body as a string: handed
 * an object, Koa's body setter tests it against the web stream, Blob and fetch Response
 * classes first, and the first test of `Response` loads Node's fetch implementation (a
 * delay on the first request after a start), then looks the type up by name on every
 * answer. The bytes are the same as Koa's own serialisation.
 */
export function respondJson(ctx: Context, value: unknown): void {
  setHeader(ctx, 'Content-Type', JSON_CONTENT_TYPE);
  ctx.body = JSON.stringify(value);
}
