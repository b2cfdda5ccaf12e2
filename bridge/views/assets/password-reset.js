/*
 * The reset page's optional script (the page works without it). It takes the token out of
 * the address bar and the history entry (the form already carries it), and reads the token
 * of a link an earlier release mailed, which is in the fragment (#token=), into the form.
 */
(() => {
  const field = document.querySelector('input[name="token"]');
  const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (field && field.value === '' && fromFragment) {
    field.value = fromFragment;
    document.getElementById('reset-form').hidden = false;
    document.getElementById('reset-missing').hidden = true;
  }
  if (location.search !== '' || location.hash !== '') history.replaceState(null, '', location.pathname);
})();
