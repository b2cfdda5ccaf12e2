/**
 * A browser without script for the page suites: it keeps the bridge's cookies (by name and
 * path, dropped on Max-Age=0, as a browser keeps them), sends its own user agent and
 * language, posts forms as a same-origin page does, and follows nothing by itself, so each
 * 303 is checked before it is followed.
 */
import { PASSWORD, type PageAnswer } from './page-fixture.js';

const FORM = 'application/x-www-form-urlencoded';

export class PageBrowser {
  private readonly jar = new Map<string, { name: string; value: string; path: string }>();

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** Signs in through the sign-in form; the answer is the form's 303. */
  signIn(email: string, password = PASSWORD): Promise<PageAnswer> {
    return this.post('/sign-in', { email, password });
  }

  get(path: string, headers: Record<string, string> = {}): Promise<PageAnswer> {
    return this.send('GET', path, undefined, headers);
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<PageAnswer> {
    return this.send('POST', path, new URLSearchParams(form).toString(), { 'Content-Type': FORM, ...headers });
  }

  /** What a script of the page would do to renew the session: POST /refresh with the refresh cookie. */
  refresh(): Promise<PageAnswer> {
    return this.send('POST', '/refresh', undefined, { 'Content-Type': 'application/json' });
  }

  /** A cookie's value, whatever its path. */
  cookie(name: string): string | undefined {
    return [...this.jar.values()].find((cookie) => cookie.name === name)?.value;
  }

  private async send(method: string, path: string, body: string | undefined, extra: Record<string, string>): Promise<PageAnswer> {
    const cookies = [...this.jar.values()].filter((cookie) => cookie.path === '/' || path === cookie.path || path.startsWith(`${cookie.path}/`));
    const headers: Record<string, string> = { 'Sec-Fetch-Site': 'same-origin', ...this.headers, ...extra };
    if (cookies.length > 0) headers['Cookie'] = cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
    const response = await fetch(this.baseUrl + path, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) this.keep(line);
    return { status: response.status, headers: response.headers, text: await response.text(), location: response.headers.get('Location'), setCookies };
  }

  private keep(line: string): void {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const [name, ...value] = pair!.split('=');
    const attribute = (key: string) => attributes.find((part) => part.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
    const path = attribute('path') ?? '/';
    if (attribute('max-age') === '0') this.jar.delete(`${name};${path}`);
    else this.jar.set(`${name};${path}`, { name: name!, value: value.join('='), path });
  }
}
