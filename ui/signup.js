import { api } from './api.js';
import { $, leaveIfSignedIn, setupPasswordField, wireCredentialsForm } from './forms.js';

// A rough, live hint only; the real rules are enforced in Rust.
function strength(password, username) {
  const length = [...password].length;
  if (length === 0) return ['', ''];
  if (length < 8) return ['Too short: use at least 8 characters.', 'weak'];
  if (username && password.toLowerCase().includes(username.toLowerCase())) {
    return ['Contains your username.', 'weak'];
  }
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  const score = length + kinds * 3;
  if (score >= 22 || length >= 16) return ['Strong.', 'strong'];
  if (score >= 15) return ['Fair: a longer password is stronger.', 'fair'];
  return ['Weak: add more characters or words.', 'weak'];
}

function updateHint() {
  const [text, level] = strength($('password').value, $('username').value);
  const hint = $('strength');
  hint.textContent = text;
  hint.dataset.level = level;
}

setupPasswordField();
$('password').addEventListener('input', updateHint);
$('username').addEventListener('input', updateHint);
wireCredentialsForm($('signup-form'), 'Creating account…', api.signup);
leaveIfSignedIn(api).then((left) => {
  if (!left) $('username').focus();
});
