/**
 * The fields each route's JSON body may hold. Every field has its snake_case name and, where
 * the original service (a-shine/client-auth) spelled it in camelCase, that spelling too, so
 * the original's clients work unchanged. A field a route does not know is refused with 400
 * INVALID_ARGUMENT naming it: a misspelt field silently ignored is data silently lost.
 */
import type { Context } from 'koa';
import type { JsonFieldNames } from '../middleware/error-middleware.js';
import { invalidField } from '../middleware/http-error.js';
import type { JsonObject } from './request-body.js';

/** Canonical (snake_case) name → the other spellings accepted for it. */
export type BodyFields = Readonly<Record<string, readonly string[]>>;

export const ROUTE_FIELDS = {
  registerUser: {
    email: [],
    password: [],
    first_name: ['firstName'],
    last_name: ['lastName'],
    phone_number: ['phoneNumber'],
    attributes: [],
    // The original's form had it; read only to refuse anything but the default (see registrationGroups).
    groups: [],
  },
  registerService: { email: [], name: [], groups: [] },
  login: { email: [], password: [] },
  updateProfile: { first_name: ['firstName'], last_name: ['lastName'] },
  deleteMyAccount: { password: [] },
  suspend: { id: [], reason: [] },
  reinstate: { id: [] },
  requestPasswordReset: { email: [] },
  resetPassword: { token: [], new_password: ['newPassword'] },
  verifyEmail: { token: [] },
  passwordStrength: { password: [], email: [], first_name: ['firstName'], last_name: ['lastName'] },
  completeLogin: { challenge_token: ['challengeToken'], totp_code: ['totpCode'], recovery_code: ['recoveryCode'], passkey: [] },
  totpCode: { code: [] },
  disableTotp: { code: [], recovery_code: ['recoveryCode'] },
  finishPasskeyRegistration: { ceremony_token: ['ceremonyToken'], response: [], name: [] },
  renamePasskey: { name: [] },
  deletePasskey: { current_password: ['currentPassword'] },
  beginPasskeyLogin: { challenge_token: ['challengeToken'] },
  finishPasskeyLogin: { ceremony_token: ['ceremonyToken'], response: [] },
  resetSecondFactor: { id: [] },
  none: {},
} as const satisfies Record<string, BodyFields>;

/**
 * The body under canonical names. Refuses a field the route does not know, and a field
 * sent in two spellings (which one was meant would be a guess). Errors the service raises
 * about a field then name it as the caller spelt it.
 */
export function bodyFields(ctx: Context, body: JsonObject, fields: BodyFields): JsonObject {
  const canonicalOf = new Map<string, string>();
  for (const [canonical, aliases] of Object.entries(fields)) {
    canonicalOf.set(canonical, canonical);
    for (const alias of aliases) canonicalOf.set(alias, canonical);
  }
  const result: JsonObject = {};
  const spelling: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    const canonical = canonicalOf.get(name);
    if (canonical === undefined) {
      const known = [...canonicalOf.keys()];
      throw invalidField(
        name,
        known.length === 0 ? `this route takes no body fields; ${name} is not one` : `${name} is not a field of this route; it takes ${known.join(', ')}`,
      );
    }
    if (Object.hasOwn(result, canonical)) throw invalidField(name, `${name} and ${spelling[canonical]} are the same field; send one`);
    result[canonical] = value;
    spelling[canonical] = name;
  }
  const renamed = Object.entries(spelling).filter(([canonical, name]) => canonical !== name);
  if (renamed.length > 0) {
    const current = (ctx.state['jsonFieldNames'] as JsonFieldNames | undefined) ?? {};
    ctx.state['jsonFieldNames'] = { ...current, ...Object.fromEntries(renamed) };
  }
  return result;
}

/**
 * Registration never chooses groups. The original's clients sent `groups` (often ["user"]):
 * what a user gets anyway passes, anything else is refused rather than dropped, so nobody
 * believes they registered an admin.
 */
export function checkRegistrationGroups(body: JsonObject): void {
  const groups = body['groups'];
  if (groups === undefined || groups === null) return;
  if (Array.isArray(groups) && groups.every((group) => group === 'user')) return;
  throw invalidField('groups', 'registration cannot choose groups (every user is in "user"); an admin grants others with SetClientGroups');
}
