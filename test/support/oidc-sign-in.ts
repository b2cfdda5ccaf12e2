/**
 * An authorization request carried through the hosted sign-in without a browser: redirects
 * followed by hand with a cookie jar, the sign-in form posted as a browser posts it. What
 * the tests that need a code without Chromium use, and the benchmark's round trips.
 */

/** The cookies a browser would keep for one host (names only; paths and expiry do not matter here). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(answer: Response): void {
    for (const line of answer.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const equals = pair.indexOf('=');
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      if (value === '' || /;\s*max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface Credentials {
  email: string;
  password: string;
}

/**
 * Follows `authorizeUrl` until the provider sends the browser to `redirectUri`, signing in
 * with `credentials` when the sign-in page asks; returns that last URL (with the code or the
 * error). Throws when a page answers something else, with what it said.
 */
export async function followToRedirect(authorizeUrl: string, redirectUri: string, jar: CookieJar, credentials: Credentials | null): Promise<URL> {
  let url = new URL(authorizeUrl);
  let init: RequestInit = { method: 'GET' };
  for (let hop = 0; hop < 20; hop++) {
    const answer = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), Cookie: jar.header() } });
    jar.take(answer);
    const location = answer.headers.get('Location');
    if (answer.status >= 300 && answer.status < 400 && location !== null) {
      const next = new URL(location, url);
      if (next.href.startsWith(redirectUri)) {
        await answer.body?.cancel();
        return next;
      }
      url = next;
      init = { method: 'GET' };
      continue;
    }
    const text = await answer.text();
    const form = signInFormOf(text);
    if (answer.status === 200 && form !== null && credentials !== null) {
      url = new URL(form.action, url);
      init = {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin', Origin: url.origin },
        body: new URLSearchParams({ ...form.hidden, email: credentials.email, password: credentials.password }).toString(),
      };
      credentials = null;
      continue;
    }
    throw new Error(`${init.method} ${url.pathname} answered ${answer.status}: ${text.slice(0, 400)}`);
  }
  throw new Error(`more than 20 redirects from ${authorizeUrl}`);
}

/** The sign-in form of a page (the one with a password field): where it posts, and its hidden fields. */
function signInFormOf(html: string): { action: string; hidden: Record<string, string> } | null {
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const [, attributes, inner] = match;
    if (!/name="password"/.test(inner!)) continue;
    const action = decode(/\baction="([^"]*)"/.exec(attributes!)?.[1] ?? '');
    const hidden: Record<string, string> = {};
    for (const input of inner!.matchAll(/<input\b[^>]*>/g)) {
      if (!/type="hidden"/.test(input[0])) continue;
      const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
      if (name !== undefined) hidden[decode(name)] = decode(/\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? '');
    }
    return { action, hidden };
  }
  return null;
}

function decode(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#x2F;/g, '/')
    .replace(/&amp;/g, '&');
}
