import { api, homeFor } from './api.js';
import { showCodes } from './codes.js';
import { tNodes } from './i18n.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, showError, showFormError } from './forms.js';

let username = '';

function render() {
  const name = $('forced-username');
  name.textContent = username;
  $('forced-intro').replaceChildren(...tNodes('forced.intro', { name }));
}

onSubmit($('forced-change-form'), async () => {
  const form = $('forced-change-form');
  clearErrors(form);
  if ($('new-password').value !== $('confirm-password').value) {
    showFormError(form, 'common.mismatch', 'confirm-password');
    return;
  }
  setBusy(form, true, 'forced.busy');
  try {
    const result = await api.changePassword($('current-password').value, $('new-password').value);
    form.reset();
    const next = () => window.location.replace(homeFor(result.profile));
    showCodes(result.recoveryCodes, [form, $('forced-intro'), $('logout-row'), $('forced-title')], next);
  } catch (error) {
    setBusy(form, false);
    $('current-password').value = '';
    const fields = { INVALID_CREDENTIALS: 'current-password', WEAK_PASSWORD: 'new-password', INVALID_PASSWORD: 'current-password' };
    showError(form, error, (code) => fields[code]);
  }
});

$('logout').addEventListener('click', async () => {
  await api.logout().catch(() => {});
  window.location.replace('login.html');
});

startPage('change-password', 'signed-in').then((state) => {
  if (!state) return;
  if (!state.profile.mustChangePassword) {
    window.location.replace(homeFor(state.profile));
    return;
  }
  username = state.profile.username;
  $('forced-username-field').value = username;
  render();
  document.addEventListener('latchkey:language', render);
  $('current-password').focus();
});
