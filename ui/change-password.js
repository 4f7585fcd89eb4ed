import { api } from './api.js';
import { $, clearError, setBusy, showError } from './forms.js';

async function load() {
  try {
    const profile = await api.profile();
    if (!profile.mustChangePassword) {
      window.location.replace('profile.html');
      return;
    }
    $('forced-username').textContent = profile.username;
    $('forced-username-field').value = profile.username;
    document.body.classList.remove('routing');
    $('current-password').focus();
  } catch {
    window.location.replace('login.html');
  }
}

$('forced-change-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  clearError();
  if ($('new-password').value !== $('confirm-password').value) {
    $('error').hidden = false;
    $('error').textContent = 'The two new passwords do not match.';
    $('confirm-password').focus();
    return;
  }
  setBusy(form, true, 'Saving…');
  try {
    await api.changePassword($('current-password').value, $('new-password').value);
    window.location.replace('profile.html');
  } catch (error) {
    setBusy(form, false);
    $('current-password').value = '';
    showError(error);
  }
});

$('logout').addEventListener('click', async () => {
  await api.logout().catch(() => {});
  window.location.replace('login.html');
});

load();
