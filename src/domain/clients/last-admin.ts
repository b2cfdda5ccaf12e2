/**
 * Someone must stay able to administer: the last active admin cannot be suspended, deleted
 * or removed from `admin`. The stores have no transactions, so the rule is checked before
 * the change and again after it, and a change that left no active admin (two admins
 * suspending each other at the same moment) is undone: both then fail, and both stay.
 */
import { ADMIN_GROUP, type ClientRecord } from '../kernel/client.js';
import { domainError } from '../kernel/errors.js';
import type { ClientStore } from './ports.js';

const PAGE = 200;

export function isActiveAdmin(client: ClientRecord): boolean {
  return client.groups.includes(ADMIN_GROUP) && !client.suspended;
}

/**
 * Applies `change` to `target` (an update that may end its being an active admin) unless
 * that would leave no active admin; returns the updated record or null when it is gone.
 */
export async function keepingAnAdmin(clients: ClientStore, target: ClientRecord, change: Partial<ClientRecord>): Promise<ClientRecord | null> {
  const endsAdmin = isActiveAdmin(target) && !isActiveAdmin({ ...target, ...change });
  if (!endsAdmin) return clients.update(target.id, change);
  if (!(await anotherActiveAdmin(clients, target.id))) throw lastAdmin();
  const updated = await clients.update(target.id, change);
  if (updated && !(await anotherActiveAdmin(clients, target.id))) {
    const undo = Object.fromEntries(Object.keys(change).map((key) => [key, target[key as keyof ClientRecord]]));
    await clients.update(target.id, undo);
    throw lastAdmin();
  }
  return updated;
}

/**
 * Whether an active admin other than `exceptId` exists. Ids ascend with creation time and
 * the first admins are among the first clients, so the scan usually ends on its first page.
 */
async function anotherActiveAdmin(clients: ClientStore, exceptId: string): Promise<boolean> {
  let afterId: string | undefined;
  for (;;) {
    const page = await clients.list({ suspended: false, limit: PAGE, ...(afterId ? { afterId } : {}) });
    if (page.some((client) => client.id !== exceptId && isActiveAdmin(client))) return true;
    if (page.length < PAGE) return false;
    afterId = page[page.length - 1]!.id;
  }
}

function lastAdmin() {
  return domainError('LAST_ADMIN');
}
