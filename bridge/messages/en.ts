/**
 * Every string the hosted pages show, in English: the catalogue the other languages follow
 * (their type is this one's, so a missing or extra key fails to compile). Parameters are
 * already formatted for the language (bridge/messages/catalogue.ts does it with Intl).
 */
export const en = {
  languageName: 'English',
  layout: {
    skipToMain: 'Skip to main content',
    home: (product: string) => `${product}, home`,
    footer: (product: string) => `${product}: sign-in and account`,
  },
  form: {
    errorSummaryTitle: 'There is a problem',
    errorPrefix: 'Error:',
    noticeTitle: 'Done',
  },
  signIn: {
    title: 'Sign in',
    email: 'Email address',
    password: 'Password',
    submit: 'Sign in',
    emailMissing: 'Enter your email address',
    passwordMissing: 'Enter your password',
    signedOut: 'You have signed out.',
  },
  secondStep: {
    title: 'Confirm it is you',
    intro: 'Your account has a second step. Confirm it is you to finish signing in.',
    totpLabel: 'Code from your authenticator app',
    totpHint: 'The 6-digit code the app shows for this account now.',
    totpMissing: 'Enter the code from your authenticator app',
    recoveryLabel: 'Recovery code',
    recoveryHint: 'One of the recovery codes you saved when you set up the app. Each code works once.',
    recoveryMissing: 'Enter one of your recovery codes',
    submit: 'Continue',
    useRecoveryCode: 'Use a recovery code instead',
    useTotp: 'Use the authenticator app instead',
  },
  account: {
    title: 'Your account',
    name: 'Name',
    email: 'Email address',
    noName: 'Not given',
    signOut: 'Sign out',
  },
  accountNav: {
    label: 'Your account',
    sections: {
      overview: 'Overview',
      profile: 'Name',
      password: 'Password',
      twoFactor: 'Two-step sign-in',
      passkeys: 'Passkeys',
      sessions: 'Where you are signed in',
      signIns: 'Sign-in history',
      delete: 'Delete account',
    },
  },
  errorPage: {
    title: 'Something went wrong',
    toSignIn: 'Go to the sign-in page',
    reference: (id: string) => `Reference: ${id}`,
  },
  /** What a failure means for the person at the page, by the service's or the bridge's reason. */
  reasons: {
    INVALID_CREDENTIALS: 'The email address or the password is not right.',
    CLIENT_SUSPENDED: 'This account is suspended. Ask the people who run this service.',
    CLIENT_DELETED: 'This account has been deleted.',
    EMAIL_NOT_VERIFIED: 'Confirm your email address first: follow the link in the email we sent you.',
    TOO_MANY_ATTEMPTS: (wait: string) => `Too many attempts. Try again in ${wait}.`,
    SERVER_BUSY: (wait: string) => `The service is busy. Try again in ${wait}.`,
    UNAVAILABLE: 'The service cannot be reached right now. Try again in a moment.',
    DEADLINE_EXCEEDED: 'The service did not answer in time. Try again in a moment.',
    CHALLENGE_INVALID: 'Signing in took too long, or the page was used already. Sign in again.',
    SECOND_FACTOR_INVALID: 'That code is not right. Sign in again and use a new code.',
    CODE_INVALID: 'Enter the code as the app or the list shows it.',
    CROSS_SITE_REQUEST: 'This form was sent from another site, so it was refused. Open the page here and try again.',
    SESSION_ENDED: 'You are not signed in, or your session has ended. Sign in again.',
    INVALID_ARGUMENT: 'Check what you entered.',
    BODY_TOO_LARGE: 'What you sent is too long.',
    UNSUPPORTED_MEDIA_TYPE: 'This form could not be read. Open the page again and retry.',
    NOT_FOUND: 'This page does not exist. Check the address.',
    METHOD_NOT_ALLOWED: 'This page cannot be used that way. Open it again from its link.',
    INTERNAL: 'Something went wrong on our side. Try again later.',
  },
};

export type Messages = typeof en;
export type PageReason = keyof Messages['reasons'];
