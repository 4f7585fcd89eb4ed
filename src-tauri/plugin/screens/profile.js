import { api, HOME } from './api.js';
import { showCodes } from './codes.js';
import { formatTime, t, tNodes } from './i18n.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, showError, showFormError, showPageError, whileBusy } from './forms.js';

let profile = null;

function render() {
  const name = $('profile-username');
  name.textContent = profile.username;
  $('profile-heading').replaceChildren(...tNodes('profile.heading', { name }));
  $('change-username').value = profile.username;
  $('profile-user-id').textContent = profile.userId;
  $('profile-role').textContent = t(profile.role === 'admin' ? 'profile.admin' : 'profile.member');
  $('profile-created').textContent = formatTime(profile.createdAt);
  $('admin-link-row').hidden = profile.role !== 'admin';
  const directory = profile.directoryName !== null;
  $('change-directory').hidden = !directory;
  $('change-password-form').hidden = directory;
  $('directory-name-row').hidden = !directory;
  $('profile-directory-name').textContent = profile.directoryName ?? '';
  $('last-signin').textContent =
    typeof profile.previousLoginAt === 'number'
      ? t('profile.lastSignIn', { time: formatTime(profile.previousLoginAt) })
      : t('profile.firstSignIn');
  const failed = profile.failedAttemptsSinceLastVisit;
  $('failed-attempts').hidden = !failed;
  $('failed-attempts').textContent = failed ? t('profile.failed', { count: failed }) : '';
  const left = profile.recoveryCodesLeft;
  $('recovery-left').textContent = t('recovery.left', { count: left });
  // Two or fewer left: a prompt to make a new set with the form below.
  $('recovery-prompt').hidden = left > 2;
  $('recovery-prompt-text').textContent = left === 0 ? t('recovery.promptNone') : t('recovery.prompt', { count: left });
  $('twostep-state').textContent = t(profile.twoStep ? 'twostep.on' : 'twostep.off');
  $('twostep-on-row').hidden = profile.twoStep;
  $('twostep-off-form').hidden = !profile.twoStep;
  showSessions();
}

async function showSessions() {
  try {
    const sessions = await api.listSessions();
    $('sessions-list').replaceChildren(
      ...sessions.map((s) => {
        const item = document.createElement('li');
        const when = document.createElement('span');
        when.textContent = t('sessions.item', { created: formatTime(s.createdAt), used: formatTime(s.lastUsedAt) });
        const tags = document.createElement('span');
        tags.className = 'tags';
        tags.textContent = [s.current ? t('sessions.thisDevice') : '', t(s.kept ? 'sessions.kept' : 'sessions.endsWhenClosed')]
          .filter(Boolean)
          .join(' · ');
        item.append(when, tags);
        if (s.current) item.classList.add('current');
        return item;
      }),
    );
    $('sign-out-others').disabled = sessions.length < 2;
    $('sessions-error').hidden = true;
  } catch (error) {
    showPageError(error, $('sessions-error'));
  }
}

$('logout').addEventListener('click', async () => {
  try {
    await whileBusy($('logout'), 'common.signingOut', () => api.logout());
  } catch (error) {
    showPageError(error);
  }
  window.location.replace('login.html');
});

onSubmit($('change-password-form'), async () => {
  const form = $('change-password-form');
  clearErrors(form);
  $('change-password-done').hidden = true;
  if ($('new-password').value !== $('confirm-password').value) {
    showFormError(form, 'common.mismatch', 'confirm-password');
    return;
  }
  setBusy(form, true, 'change.busy');
  try {
    const result = await api.changePassword($('current-password').value, $('new-password').value);
    form.reset();
    setBusy(form, false);
    profile = result.profile;
    $('change-password-done').hidden = false;
    render();
  } catch (error) {
    setBusy(form, false);
    $('current-password').value = '';
    const fields = { INVALID_CREDENTIALS: 'current-password', WEAK_PASSWORD: 'new-password', INVALID_PASSWORD: 'current-password' };
    showError(form, error, (code) => fields[code]);
  }
});

$('sign-out-others').addEventListener('click', async () => {
  try {
    await whileBusy($('sign-out-others'), 'common.signingOut', () => api.signOutOthers());
  } catch (error) {
    showPageError(error, $('sessions-error'));
  }
  showSessions();
});

// The prompt's link goes to the form that makes a new set.
$('recovery-prompt-link').addEventListener('click', (event) => {
  event.preventDefault();
  $('recovery-password').focus();
});

onSubmit($('recovery-form'), async () => {
  const form = $('recovery-form');
  clearErrors(form);
  setBusy(form, true, 'recovery.busy');
  try {
    const codes = await api.newRecoveryCodes($('recovery-password').value);
    form.reset();
    setBusy(form, false);
    showCodes(codes, [form], async () => {
      form.hidden = false;
      profile = await api.profile();
      render();
      $('recovery-title').focus();
    });
  } catch (error) {
    setBusy(form, false);
    $('recovery-password').value = '';
    showError(form, error, (code) => (code === 'INVALID_CREDENTIALS' ? 'recovery-password' : null));
  }
});

onSubmit($('twostep-off-form'), async () => {
  const form = $('twostep-off-form');
  clearErrors(form);
  setBusy(form, true, 'twostep.turnOffBusy');
  try {
    const result = await api.twoStepDisable($('twostep-off-password').value, $('twostep-off-code').value);
    form.reset();
    setBusy(form, false);
    profile = result.profile;
    // Turned off with the last recovery code: the new set is shown once.
    showCodes(result.recoveryCodes, [form], () => {
      render();
      $('twostep-on').focus();
    });
  } catch (error) {
    setBusy(form, false);
    $('twostep-off-password').value = '';
    $('twostep-off-code').value = '';
    const fields = { INVALID_CREDENTIALS: 'twostep-off-password', INVALID_PASSWORD: 'twostep-off-password', INVALID_CODE: 'twostep-off-code' };
    showError(form, error, (code) => fields[code]);
  }
});

onSubmit($('delete-form'), async () => {
  const form = $('delete-form');
  clearErrors(form);
  if (!$('delete-confirm').checked) {
    showFormError(form, 'error.CONFIRMATION_REQUIRED', 'delete-confirm');
    return;
  }
  setBusy(form, true, 'delete.busy');
  try {
    await api.deleteAccount($('delete-password').value, true);
    window.location.replace('signup.html');
  } catch (error) {
    setBusy(form, false);
    $('delete-password').value = '';
    showError(form, error, (code) => (code === 'INVALID_CREDENTIALS' ? 'delete-password' : null));
  }
});

// In another app (the plugin serving these screens), the way back is to that app's page.
if (HOME !== 'home.html') {
  $('home-link').href = HOME;
  $('home-link').dataset.i18n = 'profile.back';
}

startPage('profile', 'signed-in', (state) => {
  profile = state.profile;
  render();
  document.addEventListener('latchkey:language', render);
  return $('logout');
});
