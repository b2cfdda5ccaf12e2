/**
 * Passwords the suites set: the patterned ones issue 27 found accepted (a word, a capital, a
 * digit and a symbol, keyboard rows, sequences), and a passphrase the estimator scores high.
 */
export const PATTERNED_PASSWORDS: readonly string[] = [
  'Password1!',
  'P@ssword1',
  'Passw0rd!',
  'Password123!',
  'Qwerty123!',
  'Aa123456!',
  'Welcome1!',
  'Admin@123',
  'Summer2024!',
  'Winter2025',
  '12341234',
  'abcdefgh',
  'qwertyqwerty',
  'letmein!',
];

export const STRONG_PASSPHRASE = 'velvet tractor umbrella 42';
