/**
 * Reads a request body as a JSON object, with a size limit: a non-JSON content type is
 * 415 (a missing one is read as JSON), a body over the limit 413 (refused from Content-Length before reading when
 * possible), bytes that are not UTF-8 JSON or not an object 400.
 *
 * `raw-body` reads the bytes (as node-oidc-provider does). The UTF-8 check stays here:
 * raw-body's decoding replaces bad bytes instead of refusing them.
 */

import type { Context } from 'koa';
import type getRawBody from 'raw-body';
import { onFirstUse } from '../../src/transport/shared/on-first-use.js';
import { HttpError } from '../middleware/http-error.js';

/**
 * raw-body loads at the first body read, not at start: it brings iconv-lite (some 495 KB,
 * a third of the bundle's start.js then), which a start would compile for nothing, since
 * no body read here names an encoding (docs/benchmarks.md, "Cold start and memory at ready").
 */
const loadRawBody = onFirstUse(async (): Promise<typeof getRawBody> => (await import('raw-body')).default);

export type JsonObject = Record<string, unknown>;

export async function readJsonObject(ctx: Context, limitBytes: number): Promise<JsonObject> {
  if (!hasBody(ctx)) return {};
  // No Content-Type at all is read as JSON, as the original service did (Go's http.Post
  // and fetch with a bare Blob send none). Form and text/plain bodies stay 415: they are
  // what a cross-site form or a preflight-free fetch sends, and docs/security.md
  // explains why the cross-site guard, not this check, is what stops those.
  if (ctx.get('Content-Type') !== '' && !ctx.is('application/json', '+json')) {
    throw new HttpError('UNSUPPORTED_MEDIA_TYPE', 'the body must be JSON, sent with Content-Type: application/json (or no Content-Type)');
  }
  const raw = await readLimited(ctx, limitBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw invalidJson('the body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidJson('the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidJson('the body must be a JSON object');
  }
  return value as JsonObject;
}

// Not type-is's hasBody (what Koa's ctx.is uses): it counts `Content-Length: 0` as a body,
// and an empty POST without a Content-Type would then get 415 instead of reading as {}.
export function hasBody(ctx: Context): boolean {
  return ctx.get('Transfer-Encoding') !== '' || (ctx.request.length ?? 0) > 0;
}

export async function readLimited(ctx: Context, limitBytes: number): Promise<Buffer> {
  try {
    const read = await loadRawBody();
    return await read(ctx.req, { length: ctx.request.length, limit: limitBytes });
  } catch (error) {
    switch ((error as { type?: string }).type) {
      case 'entity.too.large':
        throw tooLarge(ctx, limitBytes);
      case 'request.aborted':
      case 'request.size.invalid':
        throw new HttpError('REQUEST_ABORTED', 'the request body was cut off');
    }
    throw error;
  }
}

function tooLarge(ctx: Context, limitBytes: number): HttpError {
  // The rest of the body is never read; closing the connection stops the sender.
  ctx.set('Connection', 'close');
  return new HttpError('BODY_TOO_LARGE', `the body must be at most ${limitBytes} bytes`);
}

function invalidJson(message: string): HttpError {
  return new HttpError('INVALID_JSON', message);
}
