/*
 * The live password-strength hint, on the pages that set a password. Optional: without it
 * the pages work as before, and whatever it says, the service decides when the form is
 * sent (it never holds the submit back). A pause in typing (300 ms) posts the password,
 * and the email and names when the form has them, to /password-strength, which asks the
 * service's own estimator; the answer goes into the polite live region under the field.
 * A new keystroke cancels the request before it, so an old answer never overwrites a newer one.
 */
(() => {
  const PAUSE_MS = 300;
  const WORD_FIELDS = ['email', 'first_name', 'last_name'];

  for (const region of document.querySelectorAll('[data-strength-for]')) {
    const field = document.getElementById(region.getAttribute('data-strength-for'));
    if (!(field instanceof HTMLInputElement)) continue;
    let timer = 0;
    let pending = null;

    const show = (text, hint) => {
      region.textContent = text;
      if (hint) {
        region.setAttribute('data-score', String(hint.score));
        region.setAttribute('data-acceptable', String(hint.acceptable));
      } else {
        region.removeAttribute('data-score');
        region.removeAttribute('data-acceptable');
      }
    };

    /** The account's words: the form's fields, or what the page wrote on the region (a signed-in account). */
    const accountWords = () => {
      const words = {};
      for (const name of WORD_FIELDS) {
        const input = field.form?.elements.namedItem(name);
        const value = input instanceof HTMLInputElement ? input.value : region.getAttribute(`data-${name.replace('_', '-')}`);
        if (value) words[name] = value;
      }
      return words;
    };

    const ask = async () => {
      const controller = new AbortController();
      pending = controller;
      try {
        const response = await fetch('/password-strength', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ password: field.value, ...accountWords() }),
          credentials: 'same-origin',
          signal: controller.signal,
        });
        const hint = response.ok ? await response.json() : null;
        if (controller.signal.aborted) return;
        // No answer (a limit, a password over the bounds, the service away): no hint rather than a wrong one.
        if (hint === null) return show('', null);
        show(hint.advice.length > 0 ? `${hint.verdict} — ${hint.advice.join(' ')}` : hint.verdict, hint);
      } catch {
        // Cancelled by a newer keystroke, or offline: the form still works without a hint.
      }
    };

    field.addEventListener('input', () => {
      clearTimeout(timer);
      pending?.abort();
      pending = null;
      if (field.value === '') return show('', null);
      timer = setTimeout(ask, PAUSE_MS);
    });
  }
})();
