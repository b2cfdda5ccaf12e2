/**
 * Answers a request with a page: picks the language, builds the frame every view gets,
 * renders the view to HTML (preact-render-to-string escapes every value), and sets the
 * pages' security headers. Failures no form shows are rendered here too, for every page
 * path, in place of the JSON body the other routes answer with.
 */
import type { Context } from 'koa';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { UiConfig } from '../../src/config/index.js';
import { negotiateLocale } from '../messages/catalogue.js';
import { ErrorView } from '../views/error-view.js';
import type { PageFrame } from '../views/page-frame.js';
import type { PageAssets } from './page-assets.js';
import { failureMessage, type PageFailure } from './page-failure.js';
import { type PageHeaderOptions, pagePolicy, setPageHeaders } from './security-headers.js';

const DOCTYPE = '<!doctype html>';

export interface RenderOptions extends PageHeaderOptions {
  status?: number;
}

export class PageRenderer {
  private readonly policy: string;
  /** The scripts of a page that offers a passkey, in the order they run: @simplewebauthn/browser, then the pages' own. */
  readonly passkeyScripts: readonly string[];

  constructor(
    private readonly ui: UiConfig,
    readonly assets: PageAssets,
  ) {
    this.policy = pagePolicy(ui);
    this.passkeyScripts = [assets.href('simplewebauthn-browser.js'), assets.href('passkey-sign-in.js')];
  }

  /** The language and brand of this request, for its views. */
  frame(ctx: Context): PageFrame {
    return {
      locale: negotiateLocale((...languages) => ctx.acceptsLanguages(...languages)),
      productName: this.ui.productName,
      logoUrl: this.ui.logoUrl,
      stylesheet: this.assets.href('pages.css'),
      requestId: String(ctx.state['requestId'] ?? ''),
    };
  }

  render(ctx: Context, view: VNode, options: RenderOptions = {}): void {
    setPageHeaders(ctx, this.policyOf(options), options);
    ctx.status = options.status ?? 200;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = DOCTYPE + renderToString(view);
  }

  /** The pages' policy, with the form origins of an OpenID interaction when the page is part of one. */
  private policyOf(options: PageHeaderOptions): string {
    return options.formOrigins !== undefined && options.formOrigins.length > 0 ? pagePolicy(this.ui, options.formOrigins) : this.policy;
  }

  /** A 303 to `location` (a path on the bridge or a checked return_to): the answer to every successful post. */
  redirect(ctx: Context, location: string): void {
    setPageHeaders(ctx, this.policy);
    ctx.status = 303;
    ctx.redirect(location);
  }

  /** The error page of a failure, with its status and Retry-After. */
  renderFailure(ctx: Context, failure: PageFailure): void {
    const frame = this.frame(ctx);
    this.render(ctx, <ErrorView frame={frame} message={failureMessage(frame.locale, failure)} />, { status: failure.status });
    if (failure.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(failure.retryAfterSeconds));
  }
}
