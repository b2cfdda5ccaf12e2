/**
 * The words of the OpenID Provider's pages in English: the consent page, the end-session
 * confirmation, the signed-out page and the provider's error page. They reach the views
 * through `t.oidcPages` (en.ts).
 */
export const oidcPagesEn = {
  consent: {
    title: (app: string) => `Allow ${app} to use your account?`,
    intro: (app: string) => `${app} asks to sign you in with your account here and to receive:`,
    notice: 'You can withdraw this at any time by signing out everywhere from your account page.',
    allow: 'Allow',
    deny: 'Deny',
    /** What each scope gives the app, in plain words. */
    scopes: {
      openid: 'who you are: an identifier of your account that stays the same',
      profile: 'your name',
      email: 'your email address, and whether it is confirmed',
      groups: 'the groups you belong to',
      offline_access: 'access while you are away, until you sign out or withdraw it',
    },
  },
  logout: {
    title: 'Sign out?',
    question: (app: string | null) => (app === null ? 'Do you want to sign out of this service?' : `Do you want to sign out of this service and ${app}?`),
    yes: 'Yes, sign me out',
    no: 'No, stay signed in',
  },
  signedOut: {
    title: 'You are signed out',
    body: (app: string | null) => (app === null ? 'You have signed out.' : `You have signed out of ${app}.`),
    toSignIn: 'Sign in again',
  },
  error: {
    title: 'This sign-in cannot go on',
    intro: 'The app sent a request this service cannot answer. Go back to the app and start again; if it happens again, tell the people who run the app.',
    code: (code: string) => `Error code: ${code}`,
  },
};
