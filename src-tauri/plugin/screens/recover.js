import { api, homeFor } from './api.js';
import { showCodes } from './codes.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, showError, showFormError } from './forms.js';

const FIELDS = {
  INVALID_USERNAME: 'username',
  INVALID_RECOVERY_CODE: 'code',
  INVALID_PASSWORD: 'new-password',
  WEAK_PASSWORD: 'new-password',
};

onSubmit($('recover-form'), async () => {
  const form = $('recover-form');
  clearErrors(form);
  if ($('new-password').value !== $('confirm-password').value) {
    showFormError(form, 'common.mismatch', 'confirm-password');
    return;
  }
  setBusy(form, true, 'recover.busy');
  try {
    const result = await api.recover(
      $('username').value,
      $('code').value,
      $('new-password').value,
      $('remember').checked,
    );
    for (const id of ['code', 'new-password', 'confirm-password']) $(id).value = '';
    const next = () => window.location.replace(homeFor(result.profile));
    showCodes(result.recoveryCodes, [form, $('recover-intro'), $('back-link'), $('recover-title')], next);
  } catch (error) {
    setBusy(form, false);
    $('code').value = '';
    showError(form, error, (code) => FIELDS[code]);
  }
});

startPage('recover', 'signed-out', () => $('username'));
