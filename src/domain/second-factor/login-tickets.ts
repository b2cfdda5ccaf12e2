/**
 * Tickets: short-lived, single-use, tamper-proof tokens that carry a ceremony's state to
 * the client and back (the login challenge after a correct password, a WebAuthn
 * challenge). A ticket is sealed, so it needs no store until it is redeemed; redeeming
 * claims its id once in the second-factor store, so under concurrent redemptions of one
 * ticket exactly one succeeds.
 */
import { randomBytes } from 'node:crypto';
import { domainError, invalidArgument } from '../kernel/errors.js';
import { SealError, type SecondFactorStore, type SecretSealer } from './ports.js';

/** What a ticket is for; a ticket of one purpose never opens as another. */
export type TicketPurpose = 'login-challenge' | 'passkey-registration' | 'passkey-login';

export interface Ticket<P> {
  id: string;
  purpose: TicketPurpose;
  /** The client the ticket is for; '' when not known yet (a passwordless passkey login). */
  clientId: string;
  expiresAt: number;
  payload: P;
}

/** No ticket of ours is near this long; longer input is refused before it is opened. */
const MAX_TICKET_LENGTH = 4096;

export function issueTicket<P>(
  sealer: SecretSealer,
  purpose: TicketPurpose,
  fields: { clientId: string; payload: P; ttlSeconds: number; now: number },
): { token: string; expiresAt: Date } {
  const ticket: Ticket<P> = {
    id: randomBytes(16).toString('base64url'),
    purpose,
    clientId: fields.clientId,
    expiresAt: fields.now + fields.ttlSeconds * 1000,
    payload: fields.payload,
  };
  return { token: sealer.seal(JSON.stringify(ticket), `ticket:${purpose}`), expiresAt: new Date(ticket.expiresAt) };
}

/** The ticket a token holds, if it is one of ours, of this purpose and unexpired; otherwise CHALLENGE_INVALID. */
export function openTicket<P>(sealer: SecretSealer, purpose: TicketPurpose, token: string, now: number, field: string): Ticket<P> {
  if (token === '') throw invalidArgument(field, `${field} is required`);
  if (token.length > MAX_TICKET_LENGTH) throw domainError('CHALLENGE_INVALID');
  let ticket: Ticket<P>;
  try {
    ticket = JSON.parse(sealer.open(token, `ticket:${purpose}`)) as Ticket<P>;
  } catch (error) {
    if (error instanceof SealError || error instanceof SyntaxError) throw domainError('CHALLENGE_INVALID');
    throw error;
  }
  if (ticket.purpose !== purpose || ticket.expiresAt <= now) throw domainError('CHALLENGE_INVALID');
  return ticket;
}

/** Uses the ticket up: the first redemption wins, every other gets CHALLENGE_INVALID. */
export async function redeemTicket(store: SecondFactorStore, ticket: Ticket<unknown>, clientId: string): Promise<void> {
  const won = await store.claim(clientId, `ticket:${ticket.id}`, new Date(ticket.expiresAt));
  if (!won) throw domainError('CHALLENGE_INVALID');
}
