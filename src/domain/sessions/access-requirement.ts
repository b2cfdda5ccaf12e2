/**
 * What a gateway location may demand of a caller beyond a valid token: membership of a
 * group, a kind of client, or a login with a second factor. Forward auth
 * (`GET /auth?group=admin&second_factor=true`) and Envoy's ext_authz (context extensions
 * `group`, `kind`, `second_factor`) both decide here, so one location guarded by either
 * gateway admits the same callers.
 */
import type { ClientKind, Principal } from '../kernel/client.js';
import { domainError, invalidArgument } from '../kernel/errors.js';
import { groups as checkGroups } from '../kernel/validation.js';

export interface AccessRequirement {
  readonly group: string | null;
  readonly kind: ClientKind | null;
  /** The token's `amr` must name a second factor (otp or hwk), not a password alone. */
  readonly secondFactor: boolean;
}

export const NO_REQUIREMENT: AccessRequirement = Object.freeze({ group: null, kind: null, secondFactor: false });

/** The `amr` values that prove more than a password: a one-time code or a passkey. */
const SECOND_FACTOR_METHODS = ['otp', 'hwk'];

/**
 * The requirement a gateway asked for; '' or undefined means none. A malformed one is a
 * mistake in the gateway's configuration, so it is refused with INVALID_ARGUMENT rather
 * than silently ignored (which would let everyone in).
 */
export function accessRequirement(group: string | undefined, kind: string | undefined, secondFactor?: string): AccessRequirement {
  if (!group && !kind && !secondFactor) return NO_REQUIREMENT;
  if (kind && kind !== 'user' && kind !== 'service') throw invalidArgument('kind', 'kind must be user or service');
  if (secondFactor && secondFactor !== 'true') throw invalidArgument('second_factor', 'second_factor must be true, or left out');
  if (group) checkGroups('group', [group]);
  return { group: group || null, kind: (kind as ClientKind | undefined) || null, secondFactor: secondFactor === 'true' };
}

/** Throws PERMISSION_DENIED when the principal does not meet the requirement. */
export function requireAccess(principal: Pick<Principal, 'kind' | 'groups' | 'amr'>, requirement: AccessRequirement): void {
  if (requirement.kind !== null && principal.kind !== requirement.kind) {
    throw domainError('PERMISSION_DENIED', `this location is for ${requirement.kind} clients`);
  }
  if (requirement.group !== null && !principal.groups.includes(requirement.group)) {
    throw domainError('PERMISSION_DENIED', `this location needs the group ${requirement.group}`);
  }
  if (requirement.secondFactor && !principal.amr.some((method) => SECOND_FACTOR_METHODS.includes(method))) {
    throw domainError('SECOND_FACTOR_REQUIRED');
  }
}
