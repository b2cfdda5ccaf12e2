/**
 * The words of the console's re-authentication with a passkey, in English: the password
 * first, then the passkey, as the sign-in page's second step asks (views/console-reauth-view.tsx).
 * Reached through `t.consoleReauth` (en.ts).
 */
export const consoleReauthEn = {
  /** Under the intro, for an admin whose one second factor is a passkey. */
  thenPasskey: 'Your account confirms it with a passkey: enter your password, then use your passkey.',
  continue: 'Continue',
  usePasskey: 'Use your passkey instead',
  passkeyIntro: 'Your password is right. Now use your passkey: what you asked for is done right after, without asking again.',
  passkeyButton: 'Use your passkey',
  passkeyFailed: 'Your passkey was not used. Try again, or cancel.',
  passkeyMissing: 'Use your passkey to continue.',
  passkeyRefused: 'That passkey was not accepted. Enter your password again and use a passkey you added to this account.',
  noScript: 'A passkey needs JavaScript, which is off in this browser. Turn it on and try again, or use a code instead.',
  noScriptOnly: 'A passkey needs JavaScript, which is off in this browser. Turn it on to confirm with your passkey.',
  unsupported: 'This browser cannot use passkeys. Use a code instead, or confirm from a browser that can.',
  unsupportedOnly: 'This browser cannot use passkeys. Confirm from a browser that can.',
  useCode: 'Use a code instead',
};
