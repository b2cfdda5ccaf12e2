/**
 * The words of the passkey page's removal form in English: the current password it asks
 * for, so that a signed-in browser left open cannot turn a second factor off. Reached
 * through `t.passkeyRemoval` (en.ts).
 */
export const passkeyRemovalEn = {
  passwordLabel: (name: string) => `Your current password, to delete ${name}`,
  passwordMissing: 'Enter your current password to delete a passkey',
  passwordWrong: 'Your current password is not right',
};
