/**
 * What a gateway location may demand of a caller beyond a valid token: membership of
 * groups, a kind of client, or a login with a second factor. Forward auth
 * (`GET /auth?group=admin&second_factor=true`) and Envoy's ext_authz (context extensions
 * `group`, `kind`, `second_factor`) both decide here, so one location guarded by either
 * gateway admits the same callers.
 *
 * The requirement is written by the gateway's operator, so anything in it this service
 * cannot read (an unknown key such as `Group` or `group[]`, an empty value, a value no
 * client could have, a repeated `kind`) is a mistake in the gateway's configuration. It is
 * refused as one (GATEWAY_MISCONFIGURED: 500, with the mistake in the log), never ignored:
 * ignoring a misspelt requirement would let everyone in.
 */
import type { ClientKind, Principal } from '../kernel/client.js';
import { DomainError, domainError, MisconfigurationError } from '../kernel/errors.js';
import { groups as checkGroups } from '../kernel/validation.js';

export interface AccessRequirement {
  /** The caller must be in every one of them. */
  readonly groups: readonly string[];
  readonly kind: ClientKind | null;
  /** The token's `amr` must name a second factor (otp or hwk), not a password alone. */
  readonly secondFactor: boolean;
}

export const NO_REQUIREMENT: AccessRequirement = Object.freeze({ groups: Object.freeze([]), kind: null, secondFactor: false });

/** The keys a requirement may have; `group` may be given more than once. */
const KEYS = ['group', 'kind', 'second_factor'] as const;
type Key = (typeof KEYS)[number];

/** The `amr` values that prove more than a password: a one-time code or a passkey. */
const SECOND_FACTOR_METHODS = ['otp', 'hwk'];

/**
 * The requirement named by a gateway's key/value pairs (a query's, or Envoy's context
 * extensions); no pairs, no requirement. Throws GATEWAY_MISCONFIGURED (MisconfigurationError,
 * its `problem` saying what is wrong) for anything it cannot read.
 */
export function accessRequirement(pairs: Iterable<readonly [string, string]>): AccessRequirement {
  const groups: string[] = [];
  let kind: ClientKind | null = null;
  let secondFactor: boolean | null = null;
  for (const [key, value] of pairs) {
    if (!isKey(key))
      throw misconfigured(
        `unknown requirement ${JSON.stringify(key)}; the known ones are group, kind and second_factor (lower case, once each, group as often as needed)`,
      );
    if (value === '') throw misconfigured(`requirement "${key}" is empty; give it a value or leave it out`);
    if (key === 'group') {
      groups.push(groupName(value));
    } else if (key === 'kind') {
      if (kind !== null) throw misconfigured('requirement "kind" is given twice; a client has one kind');
      if (value !== 'user' && value !== 'service') throw misconfigured(`requirement "kind" is ${JSON.stringify(value)}; it must be user or service`);
      kind = value;
    } else {
      if (secondFactor !== null) throw misconfigured('requirement "second_factor" is given twice');
      if (value !== 'true') throw misconfigured(`requirement "second_factor" is ${JSON.stringify(value)}; it must be true, or left out`);
      secondFactor = true;
    }
  }
  if (groups.length === 0 && kind === null && secondFactor === null) return NO_REQUIREMENT;
  return { groups: [...new Set(groups)], kind, secondFactor: secondFactor === true };
}

/** Throws PERMISSION_DENIED when the principal does not meet the requirement. */
export function requireAccess(principal: Pick<Principal, 'kind' | 'groups' | 'amr'>, requirement: AccessRequirement): void {
  if (requirement.kind !== null && principal.kind !== requirement.kind) {
    throw domainError('PERMISSION_DENIED', `this location is for ${requirement.kind} clients`);
  }
  for (const group of requirement.groups) {
    if (!principal.groups.includes(group)) throw domainError('PERMISSION_DENIED', `this location needs the group ${group}`);
  }
  if (requirement.secondFactor && !principal.amr.some((method) => SECOND_FACTOR_METHODS.includes(method))) {
    throw domainError('SECOND_FACTOR_REQUIRED');
  }
}

function isKey(key: string): key is Key {
  return (KEYS as readonly string[]).includes(key);
}

/** A group no client can be in is a misspelling, not a requirement nobody meets by design. */
function groupName(value: string): string {
  try {
    return checkGroups('group', [value])[0]!;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw misconfigured(`requirement "group" is ${JSON.stringify(value)}, which no client can be in: ${error.message}`);
  }
}

function misconfigured(problem: string): MisconfigurationError {
  return new MisconfigurationError('GATEWAY_MISCONFIGURED', problem);
}
