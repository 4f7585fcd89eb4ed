import { api } from './api.js';
import { t } from './i18n.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, showError, showPageError } from './forms.js';

const SVG = 'http://www.w3.org/2000/svg';

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

onSubmit($('setup-form'), async () => {
  const form = $('setup-form');
  clearErrors(form);
  setBusy(form, true, 'setup.busy');
  try {
    await api.twoStepEnable($('code').value);
    window.location.replace('profile.html');
  } catch (error) {
    setBusy(form, false);
    $('code').value = '';
    showError(form, error, (code) => (code === 'INVALID_CREDENTIALS' ? 'code' : null));
  }
});

startPage('two-step', 'signed-in').then(async (state) => {
  if (!state) return;
  const required = state.profile.twoStepSetupRequired;
  $('required').hidden = !required;
  $('back-row').hidden = required;
  try {
    const setup = await api.twoStepBegin();
    drawQr(setup.qr);
    $('secret').textContent = setup.secret;
    $('code').focus();
  } catch (error) {
    showPageError(error);
  }
});
