/**
 * The page a password-reset link opens on a bridge without the hosted pages
 * (UI_ENABLED=false; with them, bridge/routes/recovery-pages.tsx answers instead). The
 * mailed link carries the token as `?token=...`, links of earlier releases in the fragment
 * (`#token=...`); the script takes it from either, removes it from the address bar and
 * history, and posts it with the new password. The page and the script are static: no
 * value from the request is written into them.
 */
export const RESET_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Choose a new password</title>
  <script src="/password-reset.js" defer></script>
</head>
<body>
  <h1>Choose a new password</h1>
  <form id="reset">
    <label>New password <input id="new-password" name="new_password" type="password" autocomplete="new-password" minlength="8" required></label>
    <button type="submit">Change my password</button>
  </form>
  <p id="status" role="status"></p>
</body>
</html>
`;

export const RESET_PAGE_SCRIPT = `'use strict';
(function () {
  var token = new URLSearchParams(location.search).get('token') || new URLSearchParams(location.hash.slice(1)).get('token') || '';
  history.replaceState(null, '', location.pathname);
  var form = document.getElementById('reset');
  var status = document.getElementById('status');
  if (token === '') status.textContent = 'This page needs the link from the password-reset email.';
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var password = document.getElementById('new-password').value;
    fetch('/password-reset', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: token, new_password: password }),
    }).then(function (response) {
      if (response.ok) {
        form.hidden = true;
        status.textContent = 'Your password is changed and every session has ended. You can log in with the new password.';
        return;
      }
      return response.json().then(function (body) { status.textContent = body.message; });
    }, function () {
      status.textContent = 'The service cannot be reached; try again.';
    });
  });
})();
`;
