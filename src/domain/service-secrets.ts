import { isAdmin, publicClient, type Principal, type PublicClient } from './client';
import { DomainError, clientNotFound, permissionDenied } from './errors';
import type { ClientStore } from './ports';
import { hashSecret, newSecret } from './secrets';
import * as v from './validation';

/**
 * Gives a service client a new secret, returned this once and stored as a hash; the old
 * one stops working at once. Services imported from the original service have no secret
 * (it issued them non-expiring tokens instead), and this is how an admin gives them one.
 * Permission is checked before the client is looked up, so a non-admin learns nothing.
 */
export async function resetServiceSecret(
  deps: { clients: ClientStore; now: () => number },
  caller: Principal,
  input: { clientId: string },
): Promise<{ client: PublicClient; clientSecret: string }> {
  if (!isAdmin(caller)) throw permissionDenied();
  v.clientId('client_id', input.clientId);
  const client = await deps.clients.findById(input.clientId);
  if (!client) throw clientNotFound();
  if (client.kind !== 'service') throw new DomainError('failed_precondition', 'NOT_A_SERVICE', 'only a service client has a client secret');
  const clientSecret = newSecret();
  const updated = await deps.clients.update(client.id, { secretHash: hashSecret(clientSecret), updatedAt: new Date(deps.now()) });
  if (!updated) throw clientNotFound();
  return { client: publicClient(updated), clientSecret };
}
