import { announceReady, api, formatTime, messageFor, NOTICES } from './api.js';
import { $, hide, showErrorIn } from './forms.js';

function showProfile(profile) {
  if (profile.mustChangePassword) {
    window.location.replace('change-password.html');
    return;
  }
  $('profile-username').textContent = profile.username;
  $('change-username').value = profile.username;
  $('profile-user-id').textContent = profile.userId;
  $('profile-role').textContent = profile.role === 'admin' ? 'Administrator' : 'Member';
  $('profile-created').textContent = formatTime(profile.createdAt);
  $('admin-link-row').hidden = profile.role !== 'admin';
  $('last-signin').textContent =
    typeof profile.previousLoginAt === 'number'
      ? `Last signed in ${formatTime(profile.previousLoginAt)}.`
      : 'Welcome! This is your first sign-in.';
  const failed = profile.failedAttemptsSinceLastVisit;
  $('failed-attempts').hidden = !failed;
  $('failed-attempts').textContent = failed
    ? `${failed} failed sign-in attempt${failed === 1 ? '' : 's'} since your last visit.`
    : '';
  const code = new URLSearchParams(window.location.search).get('notice');
  if (code && NOTICES[code]) {
    $('notice').textContent = NOTICES[code];
    $('notice').hidden = false;
  }
  document.body.classList.remove('routing');
  $('logout').focus();
  announceReady('profile');
}

async function showSessions() {
  const list = $('sessions-list');
  try {
    const sessions = await api.listSessions();
    list.replaceChildren(
      ...sessions.map((s) => {
        const item = document.createElement('li');
        const when = document.createElement('span');
        when.textContent = `Signed in ${formatTime(s.createdAt)}, last used ${formatTime(s.lastUsedAt)}`;
        const tags = document.createElement('span');
        tags.className = 'tags';
        tags.textContent = [s.current ? 'This device' : '', s.kept ? 'Kept signed in' : 'Ends when closed']
          .filter(Boolean)
          .join(' · ');
        item.append(when, tags);
        if (s.current) item.classList.add('current');
        return item;
      }),
    );
    $('sign-out-others').disabled = sessions.length < 2;
    hide($('sessions-error'));
  } catch (error) {
    showErrorIn($('sessions-error'), error);
  }
}

async function load() {
  try {
    showProfile(await api.profile());
    await showSessions();
  } catch (error) {
    if (error.code === 'NOT_AUTHENTICATED') {
      window.location.replace('login.html');
      return;
    }
    if (error.code === 'PASSWORD_CHANGE_REQUIRED') {
      window.location.replace('change-password.html');
      return;
    }
    document.body.classList.remove('routing');
    $('error').textContent = messageFor(error);
    $('error').hidden = false;
  }
}

async function busy(button, label, work) {
  const original = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = original;
  }
}

$('logout').addEventListener('click', async () => {
  try {
    await busy($('logout'), 'Signing out…', () => api.logout());
    window.location.replace('login.html');
  } catch (error) {
    $('error').textContent = messageFor(error);
    $('error').hidden = false;
  }
});

$('change-password-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  hide($('change-password-error'));
  hide($('change-password-done'));
  if ($('new-password').value !== $('confirm-password').value) {
    $('change-password-error').textContent = 'The two new passwords do not match.';
    $('change-password-error').hidden = false;
    $('confirm-password').focus();
    return;
  }
  const submit = form.querySelector('button[type="submit"]');
  try {
    await busy(submit, 'Changing…', () => api.changePassword($('current-password').value, $('new-password').value));
    form.reset();
    $('change-password-done').textContent = 'Password changed. You were signed out everywhere else.';
    $('change-password-done').hidden = false;
    showSessions();
  } catch (error) {
    $('current-password').value = '';
    showErrorIn($('change-password-error'), error);
  }
});

$('sign-out-others').addEventListener('click', async () => {
  try {
    await busy($('sign-out-others'), 'Signing out…', () => api.signOutOthers());
  } catch (error) {
    showErrorIn($('sessions-error'), error);
  }
  showSessions();
});

$('delete-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  hide($('delete-error'));
  const submit = event.currentTarget.querySelector('button[type="submit"]');
  try {
    await busy(submit, 'Deleting…', () => api.deleteAccount($('delete-password').value, $('delete-confirm').checked));
    window.location.replace('signup.html');
  } catch (error) {
    $('delete-password').value = '';
    showErrorIn($('delete-error'), error);
  }
});

load();
