/**
 * The passkey assertion a page's script posts (views/passkey-form.tsx fills the fields): read
 * the same way wherever a form finishes a passkey ceremony, on the sign-in pages and on the
 * console's re-authentication. The service verifies it; this only checks it reads as one.
 */

/** The form fields of a passkey assertion: the ceremony's ticket and @simplewebauthn/browser's JSON. */
export const PASSKEY_ASSERTION_FIELDS = ['ceremony_token', 'passkey_response'] as const;

/** The passkey assertion the page's script posted, or null when there is none that reads as one. */
export function passkeyAssertionOf(
  form: Record<(typeof PASSKEY_ASSERTION_FIELDS)[number], string>,
): { ceremonyToken: string; response: Record<string, unknown> } | null {
  if (form.ceremony_token === '' || form.passkey_response === '') return null;
  let response: unknown;
  try {
    response = JSON.parse(form.passkey_response);
  } catch {
    return null;
  }
  if (typeof response !== 'object' || response === null || Array.isArray(response)) return null;
  return { ceremonyToken: form.ceremony_token, response: response as Record<string, unknown> };
}
