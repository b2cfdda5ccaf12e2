/**
 * What a gateway location may demand of a caller beyond a valid token: membership of a
 * group, or a kind of client. Forward auth (`GET /auth?group=admin`) and Envoy's
 * ext_authz (context extensions `group`, `kind`) both decide here, so one location
 * guarded by either gateway admits the same callers.
 */
import type { ClientKind, Principal } from './client';
import { domainError, invalidArgument } from './errors';
import { groups as checkGroups } from './validation';

export interface AccessRequirement {
  readonly group: string | null;
  readonly kind: ClientKind | null;
}

export const NO_REQUIREMENT: AccessRequirement = Object.freeze({ group: null, kind: null });

/**
 * The requirement a gateway asked for; '' or undefined means none. A malformed one is a
 * mistake in the gateway's configuration, so it is refused with INVALID_ARGUMENT rather
 * than silently ignored (which would let everyone in).
 */
export function accessRequirement(group: string | undefined, kind: string | undefined): AccessRequirement {
  if (!group && !kind) return NO_REQUIREMENT;
  if (kind && kind !== 'user' && kind !== 'service') throw invalidArgument('kind', 'kind must be user or service');
  if (group) checkGroups('group', [group]);
  return { group: group || null, kind: (kind as ClientKind | undefined) || null };
}

/** Throws PERMISSION_DENIED when the principal does not meet the requirement. */
export function requireAccess(principal: Pick<Principal, 'kind' | 'groups'>, requirement: AccessRequirement): void {
  if (requirement.kind !== null && principal.kind !== requirement.kind) {
    throw domainError('PERMISSION_DENIED', `this location is for ${requirement.kind} clients`);
  }
  if (requirement.group !== null && !principal.groups.includes(requirement.group)) {
    throw domainError('PERMISSION_DENIED', `this location needs the group ${requirement.group}`);
  }
}
