/**
 * The words of the admin console's foundation in English: its sections, the refusal of
 * anyone not an admin, and the re-authentication before an action. A console page's own
 * words live in a file of their own beside this one (console-clients-en.ts), reached
 * through `t.console` (en.ts).
 */
export const consoleEn = {
  /** The console's name, after the page's own title and before the product's. */
  name: 'Admin console',
  nav: {
    label: 'Admin console',
    sections: {
      overview: 'Overview',
      clients: 'Clients',
      services: 'Service clients',
      audit: 'Audit log',
      signingKeys: 'Signing keys',
      deletionRequests: 'Deletion requests',
    },
  },
  signedInAs: (email: string) => `Signed in as ${email}`,
  overviewIntro: 'Find a client, act on it, and see what happened. Every change asks for a recent sign-in and is written to the audit log.',
  toAccount: 'Your account',
  reauth: {
    title: 'Confirm it is you',
    intro: (minutes: string) =>
      `Changes in the admin console need a sign-in in the last ${minutes}. Enter your password to carry on: what you asked for is done right after, without asking again.`,
    password: 'Your password',
    passwordMissing: 'Enter your password',
    code: 'Code from your authenticator app, or a recovery code',
    codeHint: 'Your account has two-step sign-in, so it needs its second step too.',
    codeMissing: 'Enter the code from your authenticator app, or one of your recovery codes',
    submit: 'Confirm and continue',
    cancel: 'Cancel',
  },
  /** The reasons only the console meets; merged into `reasons`. */
  reasons: {
    PERMISSION_DENIED: 'This page is for administrators only. Ask an administrator if you need it.',
    CLIENT_NOT_FOUND: 'There is no such client. It may have been deleted.',
    NOT_A_SERVICE: 'That is a person, not a service client.',
    INVALID_PAGE_TOKEN: 'This page of the list does not exist any more. Start from the first page.',
  },
};
