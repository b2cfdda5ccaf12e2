/*
 * Passkey sign-in on the hosted pages (docs/ui.md#passkeys): the one thing the pages need
 * script for. Loaded as a file after @simplewebauthn/browser (simplewebauthn-browser.js,
 * which defines SimpleWebAuthnBrowser), never inline, under the pages' CSP.
 *
 * Each block marked data-scripted="passkey" (views/passkey-form.tsx) stays hidden unless
 * this browser has WebAuthn. A press of its button begins a ceremony on the bridge's JSON
 * route (POST /passkeys/login/begin, with the login challenge on the second step),
 * asks the authenticator, and posts the block's form with the ceremony token and the
 * assertion: the page route finishes the sign-in and answers as for any form, so the
 * words of a refusal, the cookies and the redirect stay on the server. A ceremony that
 * fails or is cancelled shows the block's alert, focused so that it is announced.
 */

(() => {
  const webauthn = window.SimpleWebAuthnBrowser;
  const supported = webauthn?.browserSupportsWebAuthn() === true;

  for (const block of document.querySelectorAll('[data-scripted="passkey"]')) {
    if (!supported) {
      const note = block.parentElement.querySelector('[data-passkey-unsupported]');
      if (note) note.hidden = false;
      continue;
    }
    const form = block.querySelector('form');
    const failure = block.querySelector('[data-passkey-failed]');
    const button = form.querySelector('button');
    block.hidden = false;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      failure.hidden = true;
      button.disabled = true;
      signIn(form).catch(() => {
        button.disabled = false;
        failure.hidden = false;
        failure.focus();
      });
    });
  }

  async function signIn(form) {
    const challenge = form.elements.namedItem('challenge_token');
    const begun = await fetch('/passkeys/login/begin', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(challenge ? { challenge_token: challenge.value } : {}),
      credentials: 'same-origin',
    });
    if (!begun.ok) throw new Error(`the ceremony could not begin (${begun.status})`);
    const ceremony = await begun.json();
    const response = await webauthn.startAuthentication({ optionsJSON: ceremony.options });
    form.elements.namedItem('ceremony_token').value = ceremony.ceremony_token;
    form.elements.namedItem('passkey_response').value = JSON.stringify(response);
    // submit() sends the form without firing this listener again.
    form.submit();
  }
})();
