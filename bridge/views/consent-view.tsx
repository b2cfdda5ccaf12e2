/**
 * The consent page of the OpenID Provider: which app asks, what it would receive in plain
 * words, and Allow or Deny, one form that works without JavaScript.
 */
import { PostForm } from './form.js';
import { Layout } from './layout.js';
import type { PageFrame } from './page-frame.js';

export interface ConsentViewProps {
  frame: PageFrame;
  /** The app's name (its client's name), shown as text: preact escapes it. */
  app: string;
  /** The scopes it asks for, among those the provider serves; unknown ones are not shown. */
  scopes: readonly string[];
  /** Where the decision is posted. */
  action: string;
}

export function ConsentView({ frame, app, scopes, action }: ConsentViewProps) {
  const { consent } = frame.locale.t.oidcPages;
  const described = scopes.filter((scope): scope is keyof typeof consent.scopes => Object.hasOwn(consent.scopes, scope));
  return (
    <Layout frame={frame} title={consent.title(app)}>
      <h1>{consent.title(app)}</h1>
      <p>{consent.intro(app)}</p>
      <ul class="consent-scopes">
        {described.map((scope) => (
          <li key={scope}>{consent.scopes[scope]}</li>
        ))}
      </ul>
      <p class="hint">{consent.notice}</p>
      <PostForm action={action} class="consent-decision">
        <button type="submit" name="decision" value="allow">
          {consent.allow}
        </button>
        <button type="submit" name="decision" value="deny" class="secondary">
          {consent.deny}
        </button>
      </PostForm>
    </Layout>
  );
}
