/** The words of the admin console's Overview in English (GetAdminOverview's figures). Reached through `t.consoleOverview` (en.ts). */
export const consoleOverviewEn = {
  countedAt: (time: string) => `Counted at ${time}.`,
  figuresLabel: 'The service now',
  users: 'People',
  services: 'Service clients',
  suspended: 'Suspended',
  activeSessions: 'Active sessions',
  signIns: 'Sign-ins, last 24 hours',
  failedSignIns: 'Failed sign-ins, last 24 hours',
  pendingDeletions: 'Deletion requests not delivered',
  keyTitle: 'Signing key',
  keyInUse: 'Access tokens are signed with',
  signingSince: (date: string, age: string) => `signing since ${date} (${age})`,
  operatorKey: 'the operator’s key from JWT_PRIVATE_KEY_FILE',
  sharedSecret: 'Access tokens are signed with the shared HS256 secret (JWT_SECRET_KEY); no key is published.',
  noKey: 'No key signs now.',
};
