import { api, messageFor, NOTICES } from './api.js';
import { $ } from './forms.js';

function formatTime(ms) {
  if (typeof ms !== 'number') return 'Never';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function showProfile(profile) {
  $('profile-username').textContent = profile.username;
  $('profile-user-id').textContent = profile.userId;
  $('profile-created').textContent = formatTime(profile.createdAt);
  const code = new URLSearchParams(window.location.search).get('notice');
  if (code && NOTICES[code]) {
    $('notice').textContent = NOTICES[code];
    $('notice').hidden = false;
  }
  document.body.classList.remove('routing');
  $('logout').focus();
}

async function load() {
  try {
    showProfile(await api.profile());
  } catch (error) {
    if (error.code === 'NOT_AUTHENTICATED') {
      window.location.replace('login.html');
      return;
    }
    document.body.classList.remove('routing');
    $('error').textContent = messageFor(error);
    $('error').hidden = false;
  }
}

$('logout').addEventListener('click', async () => {
  const button = $('logout');
  button.disabled = true;
  button.textContent = 'Signing out…';
  try {
    await api.logout();
    window.location.replace('login.html');
  } catch (error) {
    button.disabled = false;
    button.textContent = 'Sign out';
    $('error').textContent = messageFor(error);
    $('error').hidden = false;
  }
});

load();
