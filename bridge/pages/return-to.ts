/**
 * Where a page may send the browser after it is done (`?return_to=`): a path on the bridge
 * itself, or a URL on an origin UI_RETURN_TO_ORIGINS lists. Anything else is refused, and
 * the caller goes to its default: the pages are never an open redirect.
 */

/** What a path on the bridge may hold: no backslash (browsers read it as a slash), no space, no control character. */
const LOCAL_PATH = /^\/(?![/\\])[^\s\\]*$/;
/** Looked up when parsing a local path, so a path that would leave the origin is seen to. */
const PROBE_ORIGIN = 'http://return-to.invalid';

/** The target to redirect to, or null when `value` is not one we may follow. */
export function returnTarget(value: unknown, allowedOrigins: readonly string[]): string | null {
  if (typeof value !== 'string' || value === '') return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\u0000-\u001f\u007f]/.test(value) || /%(0[0-9a-f]|1[0-9a-f]|7f)/i.test(value)) return null;
  if (value.startsWith('/')) {
    if (!LOCAL_PATH.test(value) || !URL.canParse(value, PROBE_ORIGIN)) return null;
    const parsed = new URL(value, PROBE_ORIGIN);
    return parsed.origin === PROBE_ORIGIN ? `${parsed.pathname}${parsed.search}${parsed.hash}` : null;
  }
  if (!URL.canParse(value)) return null;
  const parsed = new URL(value);
  // The whole value must be what the parser read back, so no lenient reading
  // ("https:evil.example", a leading space) can pass as something it is not.
  if (parsed.href !== value && parsed.origin !== value) return null;
  return allowedOrigins.includes(parsed.origin) && parsed.username === '' && parsed.password === '' ? parsed.href : null;
}

/**
 * A path on the bridge with its query, carrying a return_to (already checked) on, so the way
 * back to the app survives a detour through another page (sign-in to sign-up, sign-up to
 * the verification page).
 */
export function withReturn(path: string, returnTo: string | undefined, query: Readonly<Record<string, string>> = {}): string {
  const params = new URLSearchParams(query);
  if (returnTo) params.set('return_to', returnTo);
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}
