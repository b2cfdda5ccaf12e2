import type { ChainableCommander } from 'ioredis';
import { UnavailableError } from '../../domain/kernel/errors.js';

/**
 * Runs a MULTI or a pipeline and resolves only when every command in it succeeded; any
 * failure, of the connection or of one command, is `what` being unavailable.
 */
export async function execAll(batch: ChainableCommander, what: string): Promise<void> {
  try {
    const results = await batch.exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw failed?.[0] ?? new Error('transaction discarded');
  } catch (error) {
    throw new UnavailableError(what, { cause: error });
  }
}
