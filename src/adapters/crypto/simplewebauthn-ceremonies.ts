import { createRequire } from 'node:module';
import type * as SimpleWebAuthn from '@simplewebauthn/server';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { type WebAuthnCeremonies, WebAuthnRefusal } from '../../domain/second-factor/ports.js';

/**
 * The library, loaded at the first ceremony: its memory and its share of the start-up are
 * what a service whose users never touch passkeys would pay for nothing.
 */
let library: typeof SimpleWebAuthn | null = null;
function simpleWebAuthn(): typeof SimpleWebAuthn {
  library ??= createRequire(import.meta.url)('@simplewebauthn/server') as typeof SimpleWebAuthn;
  return library;
}

/** WebAuthn ceremonies with @simplewebauthn/server; its options and responses are the JSON @simplewebauthn/browser uses. */
export class SimpleWebAuthnCeremonies implements WebAuthnCeremonies {
  async registrationOptions(input: Parameters<WebAuthnCeremonies['registrationOptions']>[0]) {
    const options = await simpleWebAuthn().generateRegistrationOptions({
      rpName: input.rpName,
      rpID: input.rpId,
      userName: input.userName,
      userID: new Uint8Array(Buffer.from(input.userId, 'utf8')),
      userDisplayName: input.userDisplayName,
      attestationType: 'none',
      excludeCredentials: input.exclude,
      // A discoverable credential is what lets the passkey log in without a password.
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    });
    return { options: options as unknown as Record<string, unknown>, challenge: options.challenge };
  }

  async verifyRegistration(input: Parameters<WebAuthnCeremonies['verifyRegistration']>[0]) {
    const verified = await refusing(() =>
      simpleWebAuthn().verifyRegistrationResponse({
        response: input.response as unknown as RegistrationResponseJSON,
        expectedChallenge: input.challenge,
        expectedOrigin: [...input.origins],
        expectedRPID: input.rpId,
        requireUserVerification: false,
      }),
    );
    if (!verified.verified) throw new WebAuthnRefusal('the registration response does not verify');
    const { credential, credentialBackedUp } = verified.registrationInfo;
    return {
      id: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports ?? [],
      backedUp: credentialBackedUp,
    };
  }

  async authenticationOptions(input: Parameters<WebAuthnCeremonies['authenticationOptions']>[0]) {
    const options = await simpleWebAuthn().generateAuthenticationOptions({
      rpID: input.rpId,
      userVerification: input.userVerification,
      allowCredentials: input.allow,
    });
    return { options: options as unknown as Record<string, unknown>, challenge: options.challenge };
  }

  async verifyAuthentication(input: Parameters<WebAuthnCeremonies['verifyAuthentication']>[0]) {
    const verified = await refusing(() =>
      simpleWebAuthn().verifyAuthenticationResponse({
        response: input.response as unknown as AuthenticationResponseJSON,
        expectedChallenge: input.challenge,
        expectedOrigin: [...input.origins],
        expectedRPID: input.rpId,
        credential: {
          id: input.credential.id,
          publicKey: new Uint8Array(Buffer.from(input.credential.publicKey, 'base64url')),
          counter: input.credential.counter,
        },
        requireUserVerification: input.requireUserVerification,
      }),
    );
    if (!verified.verified) throw new WebAuthnRefusal('the authentication response does not verify');
    return { newCounter: verified.authenticationInfo.newCounter };
  }
}

/** The library throws plain Errors for responses that do not verify (a counter that went back among them). */
async function refusing<T>(verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (error) {
    throw new WebAuthnRefusal((error as Error).message);
  }
}
