/**
 * Where the live password-strength hint appears, under a new-password field: a polite live
 * region that assets/password-strength.js fills with the service's verdict as the person
 * types. Empty, and so silent, without script. `account` gives the words of a signed-in
 * account for a page whose form has no email or name fields.
 */
export interface PasswordMeterProps {
  /** The id of the password input it speaks about. */
  field: string;
  account?: { email: string; firstName: string; lastName: string };
}

export function PasswordMeter({ field, account }: PasswordMeterProps) {
  return (
    <p
      class="strength-hint"
      id={`${field}-strength`}
      aria-live="polite"
      data-strength-for={field}
      data-email={account?.email || undefined}
      data-first-name={account?.firstName || undefined}
      data-last-name={account?.lastName || undefined}
    />
  );
}
