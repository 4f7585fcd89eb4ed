import { api, homeFor } from './api.js';
import { formatClock, t } from './i18n.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, setupPasswordField, showError, showPageError } from './forms.js';

let locked = null;

function render() {
  $('locked-username').textContent = locked.username;
  $('unlock-username').value = locked.username;
  $('locked-since').textContent = t('lock.since', { time: formatClock(locked.lockedAt) });
}

setupPasswordField('password', 'toggle-password', 'caps-warning');

onSubmit($('unlock-form'), async () => {
  const form = $('unlock-form');
  clearErrors(form);
  setBusy(form, true, 'lock.busy');
  try {
    const profile = await api.unlock($('password').value);
    $('password').value = '';
    window.location.replace(homeFor(profile));
  } catch (error) {
    setBusy(form, false);
    $('password').value = '';
    if (error.code === 'NOT_AUTHENTICATED') {
      window.location.replace('login.html');
      return;
    }
    showError(form, error, (code) => (code === 'INVALID_CREDENTIALS' ? 'password' : null));
  }
});

$('switch-user').addEventListener('click', async () => {
  try {
    await api.switchUser();
    window.location.replace('login.html');
  } catch (error) {
    showPageError(error);
  }
});

$('logout').addEventListener('click', async () => {
  await api.logout().catch(() => {});
  window.location.replace('login.html');
});

startPage('lock', 'locked').then((state) => {
  if (!state) return;
  locked = state.locked;
  render();
  document.addEventListener('latchkey:language', render);
  $('password').focus();
});
