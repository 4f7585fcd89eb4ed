import { api, formatTime, messageFor } from './api.js';
import { $, hide, showErrorIn } from './forms.js';

const EVENT_WORDS = {
  'sign-up': 'account created',
  'sign-in': 'signed in',
  'sign-in-failed': 'failed sign-in',
  'sign-out': 'signed out',
  'password-changed': 'password changed',
  'password-reset': 'password reset',
  unlocked: 'unlocked',
  'account-deleted': 'account deleted',
};

let pendingPassword = null; // entered once in the re-authentication form, then forgotten
let retry = null;
let pending = null; // { account, kind: 'reset' | 'delete' } awaiting the administrator's password

// Runs an administrator call; when the password is needed again, asks for it and retries.
async function adminCall(work) {
  try {
    const password = pendingPassword;
    pendingPassword = null;
    return await work(password);
  } catch (error) {
    if (error.code === 'REAUTH_REQUIRED') {
      retry = work;
      $('reauth-form').hidden = false;
      document.body.classList.remove('routing');
      $('reauth-password').focus();
      return undefined;
    }
    if (error.code === 'FORBIDDEN' || error.code === 'NOT_AUTHENTICATED' || error.code === 'PASSWORD_CHANGE_REQUIRED') {
      window.location.replace('profile.html');
      return undefined;
    }
    throw error;
  }
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function actionButton(label, className, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

function renderAccounts(accounts) {
  const body = $('accounts-body');
  body.replaceChildren(
    ...accounts.map((a) => {
      const row = document.createElement('tr');
      row.dataset.username = a.username;
      const state = [
        a.role === 'admin' ? 'Administrator' : '',
        a.lockedForSecs ? `Locked for ${a.lockedForSecs} s` : '',
        a.failedAttempts ? `${a.failedAttempts} failed` : '',
        a.mustChangePassword ? 'Temporary password' : '',
      ]
        .filter(Boolean)
        .join(', ');
      row.append(cell(a.username), cell(formatTime(a.createdAt)), cell(formatTime(a.lastLoginAt)), cell(state || 'OK'));
      const actions = document.createElement('td');
      actions.className = 'row-actions';
      if (a.role !== 'admin') {
        actions.append(
          actionButton('Reset password', 'secondary reset', () => askConfirm('reset', a)),
          actionButton('Delete', 'danger delete', () => askConfirm('delete', a)),
        );
      }
      if (a.failedAttempts) actions.append(actionButton('Unlock', 'secondary unlock', () => unlock(a)));
      row.append(actions);
      return row;
    }),
  );
}

function renderEvents(events) {
  $('events-list').replaceChildren(
    ...events.map((e) => {
      const li = document.createElement('li');
      const who = e.username || 'unknown';
      const by = e.actor ? ` (by ${e.actor})` : '';
      li.textContent = `${formatTime(e.at)}: ${who}, ${EVENT_WORDS[e.kind] || e.kind}${by}`;
      return li;
    }),
  );
}

async function refresh() {
  const accounts = await adminCall((password) => api.adminListAccounts(password));
  if (!accounts) return;
  renderAccounts(accounts);
  renderEvents((await adminCall((password) => api.adminEvents(password))) || []);
  $('reauth-form').hidden = true;
  $('accounts-section').hidden = false;
  $('events-section').hidden = false;
  document.body.classList.remove('routing');
}

async function act(work) {
  hide($('error'));
  try {
    const result = await adminCall(work);
    await refresh();
    return result;
  } catch (error) {
    showErrorIn($('error'), error);
    return undefined;
  }
}

// Resetting and deleting always ask for the administrator's password.
const CONFIRM = {
  reset: {
    title: (name) => `Reset the password of ${name}?`,
    hint: 'They get a temporary password, valid for 24 hours, and must choose a new one when they sign in. Their sessions end now.',
    button: 'Reset password',
  },
  delete: {
    title: (name) => `Delete ${name}?`,
    hint: 'This removes the account and its sessions for good.',
    button: 'Delete account',
  },
};

function askConfirm(kind, account) {
  pending = { kind, account };
  $('confirm-title').textContent = CONFIRM[kind].title(account.username);
  $('confirm-hint').textContent = CONFIRM[kind].hint;
  $('confirm-submit').textContent = CONFIRM[kind].button;
  $('confirm-submit').className = kind === 'delete' ? 'danger' : 'primary';
  $('confirm-form').hidden = false;
  $('admin-password').focus();
}

function showTemporary(account, temporaryPassword) {
  $('temp-password-user').textContent = account.username;
  $('temp-password').textContent = temporaryPassword;
  $('temp-password-box').hidden = false;
}

function unlock(account) {
  act((password) => api.adminUnlockAccount(account.userId, password));
}

$('confirm-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const password = $('admin-password').value;
  $('admin-password').value = '';
  if (!pending) return;
  const { kind, account } = pending;
  hide($('error'));
  $('temp-password-box').hidden = true;
  try {
    if (kind === 'reset') {
      const result = await api.adminResetPassword(account.userId, password);
      showTemporary(account, result.temporaryPassword);
    } else {
      await api.adminDeleteAccount(account.userId, password);
    }
    pending = null;
    $('confirm-form').hidden = true;
    await refresh();
  } catch (error) {
    showErrorIn($('error'), error);
  }
});

$('confirm-cancel').addEventListener('click', () => {
  pending = null;
  $('admin-password').value = '';
  $('confirm-form').hidden = true;
});

$('reauth-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  pendingPassword = $('reauth-password').value;
  $('reauth-password').value = '';
  const work = retry;
  retry = null;
  hide($('error'));
  try {
    if (work) await adminCall(work);
    await refresh();
  } catch (error) {
    showErrorIn($('error'), error);
    $('reauth-password').focus();
  }
});

refresh().catch((error) => {
  document.body.classList.remove('routing');
  $('error').textContent = messageFor(error);
  $('error').hidden = false;
});
