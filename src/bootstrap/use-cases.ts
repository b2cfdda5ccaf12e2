/**
 * Every use case of client-auth, built from one set of ports. Transports hold one of
 * these: a gRPC handler decodes a request, calls one use case, encodes its result.
 * Each use case lives in the module named for what it does (see the README's Layout).
 */
import { Account } from './account.js';
import { AdminBootstrap } from './admin-bootstrap.js';
import { AuditTrail } from './audit-trail.js';
import { Administration } from './administration.js';
import { EmailVerification } from './email-verification.js';
import { PasswordReset } from './password-reset.js';
import { Deletion, type DeletionStepHook } from './deletion.js';
import type { Dependencies } from './dependencies.js';
import { Registration } from './registration.js';
import { ServiceSecrets } from './service-secrets.js';
import { RevocationWatch } from './revocation-watch.js';
import { ServiceTokens } from './service-tokens.js';
import { SessionTokens } from './session-tokens.js';
import { SigningKeyAdministration } from './signing-key-administration.js';
import { Suspension } from './suspension.js';
import { Passkeys } from './passkeys.js';
import { SecondFactorAdministration } from './second-factor-administration.js';
import { SecondFactorLogin } from './second-factor-login.js';
import { Totp } from './totp.js';
import { TokenValidation } from './token-validation.js';

/** The ports and settings every use case is built from; the clock defaults to the system's. */
export type UseCaseDeps = Omit<Dependencies, 'now'> & {
  now?: () => number;
  /** Test-only: called between the steps of a deletion, to stand for a crash there. */
  afterDeletionStep?: DeletionStepHook;
};

export interface UseCases {
  registration: Registration;
  adminBootstrap: AdminBootstrap;
  sessionTokens: SessionTokens;
  serviceTokens: ServiceTokens;
  serviceSecrets: ServiceSecrets;
  tokenValidation: TokenValidation;
  account: Account;
  administration: Administration;
  suspension: Suspension;
  deletion: Deletion;
  auditTrail: AuditTrail;
  signingKeys: SigningKeyAdministration;
  revocationWatch: RevocationWatch;
  totp: Totp;
  passkeys: Passkeys;
  secondFactorLogin: SecondFactorLogin;
  secondFactorAdministration: SecondFactorAdministration;
  passwordReset: PasswordReset;
  emailVerification: EmailVerification;
}

export function createUseCases(input: UseCaseDeps): UseCases {
  const { afterDeletionStep, ...rest } = input;
  const deps = { ...rest, now: input.now ?? Date.now };
  const sessionTokens = new SessionTokens(deps);
  const administration = new Administration(deps);
  const passkeys = new Passkeys(deps, sessionTokens);
  return {
    registration: new Registration(deps),
    adminBootstrap: new AdminBootstrap(deps),
    sessionTokens,
    serviceTokens: new ServiceTokens(deps),
    serviceSecrets: new ServiceSecrets(deps),
    tokenValidation: new TokenValidation(deps),
    account: new Account(deps),
    administration,
    suspension: new Suspension(deps),
    deletion: new Deletion(afterDeletionStep ? { ...deps, afterStep: afterDeletionStep } : deps),
    auditTrail: new AuditTrail(deps),
    signingKeys: new SigningKeyAdministration(deps),
    revocationWatch: new RevocationWatch(deps),
    totp: new Totp(deps),
    passkeys,
    secondFactorLogin: new SecondFactorLogin(deps, sessionTokens, passkeys),
    secondFactorAdministration: new SecondFactorAdministration(deps, administration),
    passwordReset: new PasswordReset(deps),
    emailVerification: new EmailVerification(deps),
  };
}
