/**
 * Every use case of client-auth, built from one set of ports. Transports hold one of
 * these: a gRPC handler decodes a request, calls one use case, encodes its result.
 * Each use case lives in the module named for what it does (see the README's Layout).
 */
import { Account } from './account';
import { AdminBootstrap } from './admin-bootstrap';
import { Administration } from './administration';
import { Deletion, type DeletionStepHook } from './deletion';
import type { Logger } from './logger';
import type { LoginLimit } from './login-limit';
import type { OutboxRelay } from './outbox-relay';
import type { PasswordHasher } from './password-hasher';
import type { ClientStore, LoginThrottle, Outbox, RevocationList, SessionStore } from './ports';
import { Registration } from './registration';
import { ServiceTokens } from './service-tokens';
import { SessionTokens } from './session-tokens';
import { Suspension } from './suspension';
import type { Lifetimes, TokenIssuer } from './token-issuer';
import { TokenValidation } from './token-validation';

export interface UseCaseDeps {
  clients: ClientStore;
  sessions: SessionStore;
  outbox: Outbox;
  revocations: RevocationList;
  loginThrottle: LoginThrottle;
  loginLimit: LoginLimit;
  relay: Pick<OutboxRelay, 'flush'>;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  lifetimes: Lifetimes;
  log: Logger;
  /** The clock, ms since the epoch; tests pass one they move by hand. */
  now?: () => number;
  /** Test-only: called between the steps of a deletion, to stand for a crash there. */
  afterDeletionStep?: DeletionStepHook;
}

export interface UseCases {
  registration: Registration;
  adminBootstrap: AdminBootstrap;
  sessionTokens: SessionTokens;
  serviceTokens: ServiceTokens;
  tokenValidation: TokenValidation;
  account: Account;
  administration: Administration;
  suspension: Suspension;
  deletion: Deletion;
}

export function createUseCases(input: UseCaseDeps): UseCases {
  const { afterDeletionStep, ...rest } = input;
  const deps = { ...rest, now: input.now ?? Date.now };
  return {
    registration: new Registration(deps),
    adminBootstrap: new AdminBootstrap(deps),
    sessionTokens: new SessionTokens(deps),
    serviceTokens: new ServiceTokens(deps),
    tokenValidation: new TokenValidation(deps),
    account: new Account(deps),
    administration: new Administration(deps),
    suspension: new Suspension(deps),
    deletion: new Deletion(afterDeletionStep ? { ...deps, afterStep: afterDeletionStep } : deps),
  };
}
