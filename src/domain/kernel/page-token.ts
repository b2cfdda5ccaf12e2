/** Paging of the admin lists: page sizes and the opaque cursor handed to callers. */
import { domainError } from './errors.js';
import * as v from './validation.js';

export const LIST_PAGE_DEFAULT = 50;
export const LIST_PAGE_MAX = 500;

/** Versioned, so the cursor's shape can change without old tokens being misread. */
const PAGE_TOKEN_PREFIX = 'c1:';

export function encodePageToken(lastId: string): string {
  return Buffer.from(PAGE_TOKEN_PREFIX + lastId, 'utf8').toString('base64url');
}

/** The id a page token continues after; INVALID_PAGE_TOKEN for anything we did not issue. */
export function decodePageToken(token: string): string {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  const id = decoded.startsWith(PAGE_TOKEN_PREFIX) ? decoded.slice(PAGE_TOKEN_PREFIX.length) : '';
  if (!v.isClientId(id)) throw domainError('INVALID_PAGE_TOKEN', undefined, 'page_token');
  return id;
}
