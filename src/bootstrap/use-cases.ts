/**
 * Every use case of client-auth, built from one set of ports. Transports hold one of
 * these: a gRPC handler decodes a request, calls one use case, encodes its result.
 * Each use case lives in the module named for what it does (docs/architecture.md).
 * Capabilities reach each other only through ports; this is where those ports are plugged
 * into the use cases that implement them.
 */
import { type StrengthEstimateDeps, StrengthEstimates } from '../domain/abuse/strength-estimate.js';
import { AuditTrail, type AuditTrailDeps } from '../domain/audit/trail.js';
import { Account, type AccountDeps } from '../domain/clients/account.js';
import { AdminBootstrap, type AdminBootstrapDeps } from '../domain/clients/admin-bootstrap.js';
import { Administration, type AdministrationDeps } from '../domain/clients/administration.js';
import { Deletion, type DeletionDeps, type DeletionStepHook } from '../domain/clients/deletion.js';
import { Registration, type RegistrationDeps } from '../domain/clients/registration.js';
import { SelfDeletion, type SelfDeletionDeps } from '../domain/clients/self-deletion.js';
import { ServiceSecrets, type ServiceSecretsDeps } from '../domain/clients/service-secrets.js';
import { Suspension, type SuspensionDeps } from '../domain/clients/suspension.js';
import type { Clock } from '../domain/kernel/clock.js';
import { OidcAccessTokenRevocation, type OidcAccessTokenRevocationDeps } from '../domain/oidc/access-token-revocation.js';
import { OidcAccounts } from '../domain/oidc/accounts.js';
import { OidcClientRegistrations, type OidcClientRegistrationsDeps } from '../domain/oidc/client-registration.js';
import { OidcGrantRevocation, type OidcGrantRevocationDeps } from '../domain/oidc/grant-revocation.js';
import { OidcServiceClients, type OidcServiceClientsDeps } from '../domain/oidc/service-clients.js';
import { OidcTokenAudit } from '../domain/oidc/token-audit.js';
import { AdminOverview, type AdminOverviewDeps } from '../domain/overview/figures.js';
import { EmailVerification, type EmailVerificationDeps } from '../domain/recovery/email-verification.js';
import { PasswordReset, type PasswordResetDeps } from '../domain/recovery/password-reset.js';
import { RevocationWatch, type RevocationWatchDeps } from '../domain/revocation/watch.js';
import { SecondFactorLogin, type SecondFactorLoginDeps } from '../domain/second-factor/complete-login.js';
import { SecondFactorAdministration, type SecondFactorAdministrationDeps } from '../domain/second-factor/factor-administration.js';
import { LoginChallenges } from '../domain/second-factor/login-challenges.js';
import { Passkeys, type PasskeysDeps } from '../domain/second-factor/passkeys.js';
import { RecoveryCodeRegeneration, type RecoveryCodeRegenerationDeps } from '../domain/second-factor/recovery-code-regeneration.js';
import { Totp, type TotpDeps } from '../domain/second-factor/totp.js';
import { ClientSessions, type ClientSessionsDeps } from '../domain/sessions/client-sessions.js';
import { LegacyTokenEnding } from '../domain/sessions/legacy-token-ends.js';
import { MySessions, type MySessionsDeps } from '../domain/sessions/my-sessions.js';
import { RecentSignIn, type RecentSignInDeps } from '../domain/sessions/recent-sign-in.js';
import { ServiceTokens, type ServiceTokensDeps } from '../domain/sessions/service-tokens.js';
import { SessionTokens, type SessionTokensDeps } from '../domain/sessions/session-tokens.js';
import { TokenValidation, type TokenValidationDeps } from '../domain/sessions/token-validation.js';
import { SigningKeyAdministration, type SigningKeyAdministrationDeps } from '../domain/signing-keys/key-administration.js';

/** Everything any use case depends on: the union of what each one declares. */
type EveryUseCaseDeps = AccountDeps &
  AdminBootstrapDeps &
  AdministrationDeps &
  AdminOverviewDeps &
  AuditTrailDeps &
  ClientSessionsDeps &
  DeletionDeps &
  EmailVerificationDeps &
  MySessionsDeps &
  Omit<OidcAccessTokenRevocationDeps, 'accessTokens'> &
  OidcClientRegistrationsDeps &
  OidcGrantRevocationDeps &
  OidcServiceClientsDeps &
  PasskeysDeps &
  PasswordResetDeps &
  RecentSignInDeps &
  RecoveryCodeRegenerationDeps &
  RegistrationDeps &
  RevocationWatchDeps &
  SelfDeletionDeps &
  SecondFactorAdministrationDeps &
  SecondFactorLoginDeps &
  ServiceSecretsDeps &
  ServiceTokensDeps &
  SessionTokensDeps &
  SigningKeyAdministrationDeps &
  StrengthEstimateDeps &
  SuspensionDeps &
  TokenValidationDeps &
  TotpDeps;

/** The ports and settings every use case is built from; the clock defaults to the system's. */
export type UseCaseDeps = Omit<EveryUseCaseDeps, 'now' | 'afterStep'> & {
  now?: Clock;
  /** Test-only: called between the steps of a deletion, to stand for a crash there. */
  afterDeletionStep?: DeletionStepHook;
};

export interface UseCases {
  registration: Registration;
  adminBootstrap: AdminBootstrap;
  sessionTokens: SessionTokens;
  mySessions: MySessions;
  recentSignIn: RecentSignIn;
  clientSessions: ClientSessions;
  serviceTokens: ServiceTokens;
  serviceSecrets: ServiceSecrets;
  tokenValidation: TokenValidation;
  account: Account;
  administration: Administration;
  adminOverview: AdminOverview;
  suspension: Suspension;
  deletion: Deletion;
  selfDeletion: SelfDeletion;
  auditTrail: AuditTrail;
  signingKeys: SigningKeyAdministration;
  revocationWatch: RevocationWatch;
  totp: Totp;
  recoveryCodeRegeneration: RecoveryCodeRegeneration;
  passkeys: Passkeys;
  secondFactorLogin: SecondFactorLogin;
  secondFactorAdministration: SecondFactorAdministration;
  passwordReset: PasswordReset;
  emailVerification: EmailVerification;
  strengthEstimates: StrengthEstimates;
  oidcServiceClients: OidcServiceClients;
  oidcClientRegistrations: OidcClientRegistrations;
  oidcAccounts: OidcAccounts;
  oidcGrantRevocation: OidcGrantRevocation;
  oidcAccessTokenRevocation: OidcAccessTokenRevocation;
  oidcTokenAudit: OidcTokenAudit;
}

export function createUseCases(input: UseCaseDeps): UseCases {
  const { afterDeletionStep, ...rest } = input;
  const deps = { ...rest, now: input.now ?? Date.now };
  const sessionTokens = new SessionTokens(deps, new LoginChallenges(deps));
  const administration = new Administration(deps);
  const passkeys = new Passkeys(deps, sessionTokens);
  const emailVerification = new EmailVerification(deps);
  const deletion = new Deletion(afterDeletionStep ? { ...deps, afterStep: afterDeletionStep } : deps);
  const tokenValidation = new TokenValidation(deps);
  const oidcGrantRevocation = new OidcGrantRevocation(deps);
  // A password changed or reset ends the person's tokens of the original service too.
  const legacyTokenEnds = deps.legacyTokens ? new LegacyTokenEnding({ ...deps, until: deps.legacyTokens.until }) : null;
  return {
    registration: new Registration(deps, emailVerification),
    adminBootstrap: new AdminBootstrap(deps),
    sessionTokens,
    mySessions: new MySessions(deps),
    recentSignIn: new RecentSignIn(deps),
    clientSessions: new ClientSessions(deps),
    serviceTokens: new ServiceTokens(deps),
    serviceSecrets: new ServiceSecrets(deps),
    tokenValidation,
    account: new Account({ ...deps, appGrants: oidcGrantRevocation, legacyTokenEnds }),
    administration,
    adminOverview: new AdminOverview(deps),
    suspension: new Suspension(deps),
    deletion,
    selfDeletion: new SelfDeletion(deps, deletion),
    auditTrail: new AuditTrail(deps),
    signingKeys: new SigningKeyAdministration(deps),
    revocationWatch: new RevocationWatch(deps),
    totp: new Totp(deps),
    recoveryCodeRegeneration: new RecoveryCodeRegeneration(deps),
    passkeys,
    secondFactorLogin: new SecondFactorLogin(deps, sessionTokens, passkeys),
    secondFactorAdministration: new SecondFactorAdministration(deps, administration),
    passwordReset: new PasswordReset({ ...deps, appGrants: oidcGrantRevocation, legacyTokenEnds }),
    emailVerification,
    strengthEstimates: new StrengthEstimates(deps),
    oidcServiceClients: new OidcServiceClients(deps),
    oidcClientRegistrations: new OidcClientRegistrations(deps),
    // The provider's sign-ins are checked exactly as ValidateToken checks a token.
    oidcAccounts: new OidcAccounts({ ...deps, accessTokens: tokenValidation, signInEnding: sessionTokens }),
    oidcGrantRevocation,
    oidcAccessTokenRevocation: new OidcAccessTokenRevocation({ ...deps, accessTokens: tokenValidation }),
    oidcTokenAudit: new OidcTokenAudit(deps),
  };
}
