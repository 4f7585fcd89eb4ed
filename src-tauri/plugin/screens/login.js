import { api, homeFor } from './api.js';
import { t } from './i18n.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, setupPasswordField, showError } from './forms.js';

const FIELDS = { INVALID_USERNAME: 'username', INVALID_PASSWORD: 'password' };

// Signed in: on to the person's home (which shows any notice from Rust's session answer).
function leave(result) {
  window.location.replace(homeFor(result.profile));
}

// The recent names are asked for at once, alongside the session, not after it.
let recentNames = api.recentAccounts().catch(() => []);

// Recent names on this OS account, and everyone signed in here (marked "signed in,
// locked"): a click fills the username and moves on to the password.
async function showRecent(people) {
  const names = await recentNames;
  const here = new Map(people.map((p) => [p.username.toLowerCase(), p]));
  const all = [...people.map((p) => p.username), ...names.filter((n) => !here.has(n.toLowerCase()))];
  $('recent-list').replaceChildren(
    ...all.map((name) => {
      const item = document.createElement('li');
      const pick = document.createElement('button');
      pick.type = 'button';
      pick.className = 'recent-name';
      pick.textContent = name;
      const person = here.get(name.toLowerCase());
      if (person) {
        const tag = document.createElement('span');
        tag.className = 'tag';
        tag.textContent = t('signin.signedInLocked');
        pick.append(' ', tag);
        item.dataset.signedIn = 'true';
      }
      pick.addEventListener('click', () => {
        $('username').value = name;
        $('password').focus();
      });
      item.append(pick);
      if (!person) {
        const forget = document.createElement('button');
        forget.type = 'button';
        forget.className = 'secondary forget';
        forget.textContent = t('signin.forget');
        forget.setAttribute('aria-label', t('signin.forgetName', { name }));
        forget.addEventListener('click', async () => {
          await api.forgetRecentAccount(name).catch(() => {});
          recentNames = api.recentAccounts().catch(() => []);
          showRecent(people);
        });
        item.append(forget);
      }
      return item;
    }),
  );
  // Not while the code step (or new recovery codes after it) is shown.
  $('recent').hidden = all.length === 0 || $('login-form').hidden;
}

function askForCode() {
  $('login-form').hidden = true;
  $('recent').dataset.wasHidden = String($('recent').hidden);
  $('recent').hidden = true;
  $('code-form').hidden = false;
  $('code').value = '';
  $('code-title').focus();
}

// A directory password changed: the previous one is asked for once.
function askForPrevious() {
  $('login-form').hidden = true;
  $('recent').dataset.wasHidden = String($('recent').hidden);
  $('recent').hidden = true;
  $('previous-form').hidden = false;
  $('previous').value = '';
  $('previous-title').focus();
}

// Signed in: new recovery codes (a directory account's first sign-in here, or the last
// code used) are shown once before going on; codes.js is fetched only then.
async function finish(result, form) {
  if (result.secondFactor) {
    $('previous-form').hidden = true;
    askForCode();
    return;
  }
  if (!result.recoveryCodes) {
    leave(result);
    return;
  }
  const { showCodes } = await import('./codes.js');
  const hide = [form, $('forgot-link').parentElement, $('signup-link').parentElement, $('signin-title')];
  showCodes(result.recoveryCodes, hide, () => leave(result));
}

function startAgain() {
  $('code-form').hidden = true;
  $('previous-form').hidden = true;
  $('login-form').hidden = false;
  $('recent').hidden = $('recent').dataset.wasHidden !== 'false';
  $('password').value = '';
  $('password').focus();
}

setupPasswordField('password', 'toggle-password', 'caps-warning');

onSubmit($('login-form'), async () => {
  const form = $('login-form');
  clearErrors(form);
  setBusy(form, true, 'signin.busy');
  try {
    const result = await api.login($('username').value, $('password').value, $('remember').checked);
    $('password').value = '';
    setBusy(form, false);
    if (result.previousPassword) askForPrevious();
    else await finish(result, form);
  } catch (error) {
    setBusy(form, false);
    $('password').value = '';
    showError(form, error, (code) => FIELDS[code]);
  }
});

// A step after the password failed: the field is cleared; when the half-done sign-in is
// over (five minutes, or gone), back to the password, else the error at the field.
function stepFailed(form, field, fieldCode, error) {
  setBusy(form, false);
  $(field).value = '';
  if (error.code === 'SECOND_FACTOR_EXPIRED' || error.code === 'NOT_AUTHENTICATED') {
    startAgain();
    showError($('login-form'), error);
    return;
  }
  showError(form, error, (code) => (code === fieldCode ? field : null));
}

async function sendPrevious(previous) {
  const form = $('previous-form');
  clearErrors(form);
  setBusy(form, true, 'signin.previousBusy');
  try {
    const result = await api.previousPassword(previous);
    $('previous').value = '';
    setBusy(form, false);
    await finish(result, form);
  } catch (error) {
    stepFailed(form, 'previous', 'INVALID_CREDENTIALS', error);
  }
}

onSubmit($('previous-form'), () => sendPrevious($('previous').value));
$('previous-skip').addEventListener('click', () => sendPrevious(null));

onSubmit($('code-form'), async () => {
  const form = $('code-form');
  clearErrors(form);
  setBusy(form, true, 'signin.codeBusy');
  try {
    const result = await api.secondFactor($('code').value);
    await finish(result, form);
  } catch (error) {
    stepFailed(form, 'code', 'INVALID_CODE', error);
  }
});

$('code-cancel').addEventListener('click', startAgain);

startPage('login', 'signed-out', async (state) => {
  await showRecent(state.people || []);
  document.addEventListener('latchkey:language', () => showRecent(state.people || []));
  return $('username');
});
