/*
 * Adds a passkey from /account/passkeys: the WebAuthn registration ceremony, which only the
 * browser's API can run. It shows the add form in place of the sentence saying it needs
 * script, asks the bridge for the ceremony's options (POST /passkeys/register/begin, with
 * the session cookie), lets the authenticator create the credential, and posts the form
 * with the ceremony token and the credential as JSON, so the page answers as to any form.
 * Written against navigator.credentials directly: a few lines of base64url conversion
 * instead of a library bundle.
 */
(() => {
  const form = document.getElementById('add-passkey');
  const withoutScript = document.getElementById('passkey-needs-script');
  const failed = document.getElementById('passkey-ceremony-failed');
  if (!form || !window.PublicKeyCredential || !navigator.credentials) return;
  withoutScript.hidden = true;
  form.hidden = false;

  const toBytes = (text) => {
    const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  };
  const toText = (buffer) =>
    btoa(String.fromCharCode(...new Uint8Array(buffer)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');

  const creationOptions = (options) => ({
    ...options,
    challenge: toBytes(options.challenge),
    user: { ...options.user, id: toBytes(options.user.id) },
    excludeCredentials: (options.excludeCredentials || []).map((credential) => ({ ...credential, id: toBytes(credential.id) })),
  });
  const registrationJson = (credential) => ({
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
    response: {
      clientDataJSON: toText(credential.response.clientDataJSON),
      attestationObject: toText(credential.response.attestationObject),
      transports: credential.response.getTransports ? credential.response.getTransports() : [],
    },
  });

  const fail = () => {
    failed.textContent = form.dataset.failed;
    failed.hidden = false;
  };

  form.addEventListener('submit', async (event) => {
    if (form.elements.response.value !== '') return;
    event.preventDefault();
    failed.hidden = true;
    try {
      const begun = await fetch('/passkeys/register/begin', { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!begun.ok) throw new Error(`the bridge answered ${begun.status}`);
      const { options, ceremony_token: ceremonyToken } = await begun.json();
      const credential = await navigator.credentials.create({ publicKey: creationOptions(options) });
      form.elements.ceremony_token.value = ceremonyToken;
      form.elements.response.value = JSON.stringify(registrationJson(credential));
      form.submit();
    } catch {
      fail();
    }
  });
})();
