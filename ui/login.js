import { announceReady, api } from './api.js';
import { $, leaveIfSignedIn, setupPasswordField, wireCredentialsForm } from './forms.js';

// Recent accounts: each name fills the username and moves on to the password.
async function showRecent() {
  let names = [];
  try {
    names = await api.recentAccounts();
  } catch {
    return;
  }
  const list = $('recent-list');
  list.replaceChildren();
  for (const name of names) {
    const item = document.createElement('li');
    const pick = document.createElement('button');
    pick.type = 'button';
    pick.className = 'recent-name';
    pick.textContent = name;
    pick.addEventListener('click', () => {
      $('username').value = name;
      $('password').focus();
    });
    const forget = document.createElement('button');
    forget.type = 'button';
    forget.className = 'secondary forget';
    forget.textContent = 'Forget';
    forget.setAttribute('aria-label', `Forget ${name}`);
    forget.addEventListener('click', async () => {
      try {
        await api.forgetRecentAccount(name);
      } finally {
        showRecent();
      }
    });
    item.append(pick, forget);
    list.append(item);
  }
  $('recent').hidden = names.length === 0;
}

setupPasswordField();
wireCredentialsForm($('login-form'), 'Signing in…', api.login);
leaveIfSignedIn(api).then(async (left) => {
  if (left) return;
  await showRecent();
  $('username').focus();
  announceReady('login');
});
