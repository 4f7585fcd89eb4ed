import { api } from './api.js';
import { formatTime, t } from './i18n.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, showError, showPageError } from './forms.js';

const LOCK_CHOICES = [null, 1, 2, 5, 10, 15, 30, 60];

let pendingPassword = null; // entered once in the re-authentication form, then forgotten
let retry = null;
let pending = null; // { account, kind } awaiting the administrator's password
let accounts = [];
let events = [];
let settings = null;
let directory = null; // the directory's status, asked for after the rest (it may wait on the network)

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
      $('reauth-password').focus();
      return undefined;
    }
    if (['FORBIDDEN', 'NOT_AUTHENTICATED', 'PASSWORD_CHANGE_REQUIRED', 'TWO_STEP_SETUP_REQUIRED'].includes(error.code)) {
      window.location.replace('profile.html');
      return undefined;
    }
    throw error;
  }
}

function cell(label, content) {
  const td = document.createElement('td');
  td.dataset.label = t(label);
  if (typeof content === 'string') td.textContent = content;
  else if (content) td.append(content);
  return td;
}

function actionButton(kind, account) {
  const labels = {
    reset: ['admin.action.reset', 'admin.action.resetFor', 'secondary reset'],
    unlock: ['admin.action.unlock', 'admin.action.unlockFor', 'secondary unlock'],
    delete: ['admin.action.delete', 'admin.action.deleteFor', 'danger delete'],
    twoStepOff: ['admin.action.twoStepOff', 'admin.action.twoStepOffFor', 'secondary two-step-off'],
  };
  const [text, aria, className] = labels[kind];
  const button = document.createElement('button');
  button.type = 'button';
  button.className = className;
  button.textContent = t(text);
  button.setAttribute('aria-label', t(aria, { name: account.username }));
  button.addEventListener('click', () => (kind === 'unlock' ? unlock(account) : askConfirm(kind, account)));
  return button;
}

function stateOf(a) {
  return [
    a.role === 'admin' ? t('admin.state.admin') : '',
    a.lockedForSecs ? t('admin.state.lockedFor', { count: a.lockedForSecs }) : '',
    a.failedAttempts >= 100 ? t('admin.state.hardLocked') : '',
    a.failedAttempts ? t('admin.state.failed', { count: a.failedAttempts }) : '',
    a.mustChangePassword && a.temporaryPasswordExpiresAt
      ? a.temporaryPasswordExpiresAt < Date.now()
        ? t('admin.state.temporaryExpired')
        : t('admin.state.temporary', { time: formatTime(a.temporaryPasswordExpiresAt) })
      : '',
    a.twoStep ? t('admin.state.twoStep') : '',
    a.directory ? t('admin.state.directory') : '',
  ]
    .filter(Boolean)
    .join(', ');
}

function renderAccounts() {
  $('accounts-body').replaceChildren(
    ...accounts.map((a) => {
      const row = document.createElement('tr');
      row.dataset.username = a.username;
      const name = document.createElement('th');
      name.scope = 'row';
      name.dataset.label = t('admin.col.username');
      name.textContent = a.username;
      const actions = document.createElement('div');
      actions.className = 'row-actions';
      if (a.role !== 'admin' && !a.directory) actions.append(actionButton('reset', a));
      if (a.role !== 'admin') actions.append(actionButton('delete', a));
      if (a.failedAttempts) actions.append(actionButton('unlock', a));
      if (a.twoStep && a.role !== 'admin') actions.append(actionButton('twoStepOff', a));
      row.append(
        name,
        cell('admin.col.created', formatTime(a.createdAt)),
        cell('admin.col.lastSignIn', formatTime(a.lastLoginAt)),
        cell('admin.col.state', stateOf(a) || t('admin.state.ok')),
        actions.childElementCount ? cell('admin.col.actions', actions) : document.createElement('td'),
      );
      return row;
    }),
  );
}

function renderEvents() {
  $('events-list').replaceChildren(
    ...events.map((e) => {
      const li = document.createElement('li');
      const line = t('admin.event.line', {
        time: formatTime(e.at),
        who: e.username || t('admin.event.unknown'),
        what: t(`admin.event.${e.kind}`),
      });
      li.textContent = e.actor ? t('admin.event.by', { line, actor: e.actor }) : line;
      return li;
    }),
  );
}

function renderSettings() {
  const select = $('lock-after');
  const current = settings.lock.secs ? Math.round(settings.lock.secs / 60) : null;
  const choices = LOCK_CHOICES.includes(current) ? LOCK_CHOICES : [...LOCK_CHOICES, current];
  select.replaceChildren(
    ...choices.map((minutes) => {
      const option = document.createElement('option');
      option.value = minutes === null ? '' : String(minutes);
      option.textContent = minutes === null ? t('admin.lockAfter.never') : t('admin.lockAfter.minutes', { count: minutes });
      return option;
    }),
  );
  select.value = current === null ? '' : String(current);
  select.disabled = settings.lock.overridden;
  $('lock-after-note').hidden = !settings.lock.overridden;
  $('lock-after-note').textContent = settings.lock.overridden
    ? t('admin.lockAfter.overridden', { count: settings.lock.secs ?? 0 })
    : '';
  $('two-step-admins').checked = settings.twoStepForAdmins;
  $('escrow-state').textContent = t(settings.keyEscrow ? 'admin.escrow.on' : 'admin.escrow.off');
  $('escrow-submit').textContent = t(settings.keyEscrow ? 'admin.escrow.turnOff' : 'admin.escrow.turnOn');
}

function renderDirectory() {
  const d = directory;
  $('directory-section').setAttribute('aria-busy', String(!d));
  $('directory-checking').hidden = Boolean(d);
  if (!d) return;
  $('directory-none').hidden = d.configured;
  $('directory-facts').hidden = !d.configured;
  $('directory-cache-days').hidden = !d.configured;
  if (!d.configured) return;
  $('directory-server').textContent = d.server;
  $('directory-state').textContent = d.reachable ? t('admin.directoryReachable') : t(`admin.directory${d.problem}`);
  $('directory-contact').textContent = d.lastContactAt ? formatTime(d.lastContactAt) : t('admin.directoryNever');
  $('directory-cached').textContent = String(d.cachedPeople);
  $('directory-cache-days').textContent = t('admin.directoryCacheDays', { days: d.cacheDays });
}

function render() {
  renderAccounts();
  renderEvents();
  if (settings) renderSettings();
  renderDirectory();
}

async function refresh() {
  const listed = await adminCall((password) => api.adminListAccounts(password));
  if (!listed) return;
  accounts = listed;
  events = (await adminCall((password) => api.adminEvents(password))) || [];
  settings = (await adminCall((password) => api.adminSettings(password))) || settings;
  render();
  $('reauth-form').hidden = true;
  for (const id of ['accounts-section', 'settings-section', 'directory-section', 'events-section']) $(id).hidden = false;
  directory = (await adminCall((password) => api.adminDirectoryStatus(password))) || directory;
  renderDirectory();
}

async function unlock(account) {
  $('error').hidden = true;
  try {
    await adminCall((password) => api.adminUnlockAccount(account.userId, password));
    $('done').textContent = t('admin.done');
    $('done').hidden = false;
    await refresh();
  } catch (error) {
    showPageError(error);
  }
}

// Resetting, deleting and turning two-step sign-in off always ask for the password.
function askConfirm(kind, account) {
  pending = { kind, account };
  clearErrors($('confirm-form'));
  $('confirm-title').textContent = t(`admin.confirm.${kind}.title`, { name: account.username });
  const data = kind === 'reset'
    ? ` ${t(account.privateDataRecoverable ? 'admin.confirm.reset.kept' : 'admin.confirm.reset.sealed')}`
    : '';
  $('confirm-hint').textContent = t(`admin.confirm.${kind}.hint`) + data;
  $('confirm-submit').textContent = t(`admin.confirm.${kind}.button`);
  $('confirm-submit').className = kind === 'delete' ? 'danger' : 'primary';
  $('confirm-form').hidden = false;
  $('admin-password').focus();
}

onSubmit($('confirm-form'), async () => {
  const form = $('confirm-form');
  const password = $('admin-password').value;
  $('admin-password').value = '';
  if (!pending) return;
  const { kind, account } = pending;
  clearErrors(form);
  $('temp-password-box').hidden = true;
  $('done').hidden = true;
  setBusy(form, true, 'common.continue');
  try {
    if (kind === 'reset') {
      const result = await api.adminResetPassword(account.userId, password);
      $('temp-password-label').textContent = t('admin.temp', { name: account.username });
      $('temp-password').textContent = result.temporaryPassword;
      $('temp-data').textContent = t(result.privateDataKept ? 'admin.temp.kept' : 'admin.temp.sealed');
      $('temp-password-box').hidden = false;
    } else if (kind === 'delete') {
      await api.adminDeleteAccount(account.userId, password);
    } else {
      await api.adminDisableTwoStep(account.userId, password);
    }
    pending = null;
    setBusy(form, false);
    form.hidden = true;
    if (kind !== 'reset') {
      $('done').textContent = t('admin.done');
      $('done').hidden = false;
    }
    await refresh();
  } catch (error) {
    setBusy(form, false);
    showError(form, error, (code) => (code === 'INVALID_CREDENTIALS' ? 'admin-password' : null));
  }
});

$('confirm-cancel').addEventListener('click', () => {
  pending = null;
  $('admin-password').value = '';
  $('confirm-form').hidden = true;
});

onSubmit($('reauth-form'), async () => {
  const form = $('reauth-form');
  clearErrors(form);
  pendingPassword = $('reauth-password').value;
  $('reauth-password').value = '';
  const work = retry;
  retry = null;
  try {
    if (work) await adminCall(work);
    await refresh();
  } catch (error) {
    retry = work;
    showError(form, error, (code) => (code === 'INVALID_CREDENTIALS' ? 'reauth-password' : null));
  }
});

onSubmit($('settings-form'), async () => {
  const form = $('settings-form');
  clearErrors(form);
  $('settings-done').hidden = true;
  setBusy(form, true, 'common.continue');
  try {
    const value = $('lock-after').value;
    if (!settings.lock.overridden) {
      const minutes = value === '' ? null : Number(value);
      await adminCall((password) => api.adminSetLockAfter(minutes, password));
    }
    settings = await adminCall((password) => api.adminSetTwoStepForAdmins($('two-step-admins').checked, password));
    setBusy(form, false);
    if (settings) {
      renderSettings();
      $('settings-done').hidden = false;
    }
  } catch (error) {
    setBusy(form, false);
    showError(form, error);
  }
});

onSubmit($('escrow-form'), async () => {
  const form = $('escrow-form');
  clearErrors(form);
  $('escrow-done').hidden = true;
  const password = $('escrow-password').value;
  $('escrow-password').value = '';
  const on = !settings.keyEscrow;
  setBusy(form, true, 'common.continue');
  try {
    settings = await api.adminSetKeyEscrow(on, password);
    setBusy(form, false);
    renderSettings();
    $('escrow-done').textContent = t(on ? 'admin.escrow.doneOn' : 'admin.escrow.doneOff');
    $('escrow-done').hidden = false;
    await refresh();
  } catch (error) {
    setBusy(form, false);
    showError(form, error, (code) => (code === 'INVALID_CREDENTIALS' ? 'escrow-password' : null));
  }
});

startPage('admin', 'signed-in').then(async (state) => {
  if (!state) return;
  if (state.profile.role !== 'admin') {
    window.location.replace('profile.html');
    return;
  }
  document.addEventListener('latchkey:language', render);
  try {
    await refresh();
  } catch (error) {
    showPageError(error);
  }
});
