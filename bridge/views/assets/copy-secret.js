/*
 * The admin console's only script (the page works without it): shows the copy button of a
 * service client's secret and copies the secret when it is pressed. The secret is read
 * from the page's field; it is never sent anywhere.
 */
(() => {
  const button = document.getElementById('copy-secret');
  const field = document.getElementById('client-secret');
  const status = document.getElementById('copy-status');
  if (!button || !field || !status || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = button.dataset.copied || '';
    } catch {
      field.select();
    }
  });
})();
