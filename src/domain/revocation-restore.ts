import type { ClientStore, RevocationList } from './ports';

const PAGE = 500;

/**
 * Puts every suspended client on the revocation list. Run at start-up: the stores are
 * the truth, and a revocation list that lost its data (a Redis restarted without
 * persistence) must not let suspended clients back in. Returns how many it restored.
 */
export async function restoreSuspensions(clients: ClientStore, revocations: RevocationList): Promise<number> {
  let restored = 0;
  let afterId: string | undefined;
  for (;;) {
    const page = await clients.list({ suspended: true, limit: PAGE, ...(afterId ? { afterId } : {}) });
    for (const client of page) await revocations.suspendClient(client.id);
    restored += page.length;
    if (page.length < PAGE) return restored;
    afterId = page[page.length - 1]!.id;
  }
}
