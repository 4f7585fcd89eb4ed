import { api, homeFor } from './api.js';
import { showCodes } from './codes.js';
import { t } from './i18n.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, setupPasswordField, showError } from './forms.js';

const FIELDS = { INVALID_USERNAME: 'username', USERNAME_TAKEN: 'username', INVALID_PASSWORD: 'password', WEAK_PASSWORD: 'password' };

// A rough, live hint only; the real rules are enforced in Rust.
function strength(password, username) {
  const length = [...password].length;
  if (length === 0) return ['', ''];
  if (length < 8) return ['strength.tooShort', 'weak'];
  if (username && password.toLowerCase().includes(username.toLowerCase())) return ['strength.containsName', 'weak'];
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const score = length + kinds * 3;
  if (score >= 22 || length >= 16) return ['strength.strong', 'strong'];
  if (score >= 15) return ['strength.fair', 'fair'];
  return ['strength.weak', 'weak'];
}

function updateHint() {
  const [key, level] = strength($('password').value, $('username').value);
  $('strength').textContent = key ? t(key) : '';
  $('strength').dataset.level = level;
}

setupPasswordField('password', 'toggle-password', 'caps-warning');
$('password').addEventListener('input', updateHint);
$('username').addEventListener('input', updateHint);

onSubmit($('signup-form'), async () => {
  const form = $('signup-form');
  clearErrors(form);
  setBusy(form, true, 'signup.busy');
  try {
    const result = await api.signup($('username').value, $('password').value, $('remember').checked);
    $('password').value = '';
    // On to the person's home (which shows any notice from Rust's session answer), after
    // the recovery codes.
    const next = () => window.location.replace(homeFor(result.profile));
    showCodes(result.recoveryCodes, [form, $('signin-link'), $('signup-title')], next);
  } catch (error) {
    setBusy(form, false);
    $('password').value = '';
    updateHint();
    showError(form, error, (code) => FIELDS[code]);
  }
});

startPage('signup', 'signed-out', () => $('username'));
