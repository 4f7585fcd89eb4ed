import { api, HOME } from './api.js';
import { t } from './i18n.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, setupPasswordField, showError, showPageError } from './forms.js';

const SVG = 'http://www.w3.org/2000/svg';
// A wrong password, a missing one, a wrong code: each on its own field.
const FIELDS = { INVALID_CREDENTIALS: 'setup-password', INVALID_PASSWORD: 'setup-password', INVALID_CODE: 'code' };
// Required at sign-in: on to the person's notes once it is on; else back to the settings.
let required = false;

// Draws the QR code (rows of '1' and '0') as one SVG path, with a quiet zone of 4 modules.
function drawQr(rows) {
  const size = rows.length + 8;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('data-i18n-attr', 'aria-label:setup.qrLabel');
  svg.setAttribute('aria-label', t('setup.qrLabel'));
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', size);
  background.setAttribute('height', size);
  background.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  let d = '';
  rows.forEach((row, y) => {
    [...row].forEach((cell, x) => {
      if (cell === '1') d += `M${x + 4} ${y + 4}h1v1h-1z`;
    });
  });
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(background, path);
  $('qr').replaceChildren(svg);
}

setupPasswordField('setup-password', 'toggle-password', 'caps-warning');

onSubmit($('setup-form'), async () => {
  const form = $('setup-form');
  clearErrors(form);
  setBusy(form, true, 'setup.busy');
  try {
    await api.twoStepEnable($('code').value, $('setup-password').value);
    $('setup-password').value = '';
    window.location.replace(required ? HOME : 'profile.html');
  } catch (error) {
    setBusy(form, false);
    $('setup-password').value = '';
    $('code').value = '';
    showError(form, error, (code) => FIELDS[code]);
  }
});

startPage('two-step', 'signed-in').then(async (state) => {
  if (!state) return;
  required = state.profile.twoStepSetupRequired;
  $('required').hidden = !required;
  $('back-row').hidden = required;
  $('setup-username').value = state.profile.username;
  try {
    const setup = await api.twoStepBegin();
    drawQr(setup.qr);
    $('secret').textContent = setup.secret;
    $('setup-password').focus();
  } catch (error) {
    // TWO_STEP_ALREADY_ON among them: said in the page's error box.
    showPageError(error);
  }
});
