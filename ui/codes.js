// Recovery codes, shown once: a list with Copy and Print, and a box to tick ("I have saved
// these codes") before going on. Built here, with DOM calls, for every screen that shows
// codes (sign-up, a recovery, a forced password change, the profile).

import { t } from './i18n.js';

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Shows `codes` in place of the elements in `hide`, and calls `onDone` once the person has
// ticked the box and pressed Continue.
export function showCodes(codes, hide, onDone) {
  const title = element('h2', { id: 'codes-title', tabindex: '-1' }, t('codes.title'));
  const list = element('ol', { id: 'codes-list', class: 'codes-list', 'aria-label': t('codes.listLabel') });
  list.append(...codes.map((code) => element('li', { translate: 'no' }, code)));
  const status = element('p', { id: 'codes-status', role: 'status', 'aria-live': 'polite' });
  const copy = element('button', { id: 'codes-copy', type: 'button', class: 'secondary' }, t('codes.copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      status.textContent = t('codes.copied');
    } catch {
      status.textContent = t('codes.copyFailed');
    }
  });
  const print = element('button', { id: 'codes-print', type: 'button', class: 'secondary' }, t('codes.print'));
  print.addEventListener('click', () => window.print());
  const saved = element('input', { id: 'codes-saved', type: 'checkbox', 'aria-describedby': 'codes-error' });
  const error = element('p', { id: 'codes-error', class: 'field-error' });
  error.hidden = true;
  const form = element('form', { id: 'codes-form', novalidate: '' });
  const check = element('div', { class: 'check' });
  check.append(saved, element('label', { for: 'codes-saved' }, t('codes.saved')));
  form.append(check, error, element('button', { type: 'submit', class: 'primary' }, t('common.continue')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!saved.checked) {
      error.textContent = t('codes.mustTick');
      error.hidden = false;
      saved.setAttribute('aria-invalid', 'true');
      saved.focus();
      return;
    }
    panel.remove();
    onDone();
  });
  const actions = element('div', { class: 'actions' });
  actions.append(copy, print);
  const panel = element('section', { id: 'codes-panel', class: 'codes', 'aria-labelledby': 'codes-title' });
  panel.append(title, element('p', {}, t('codes.intro')), list, actions, status, form);
  for (const node of hide) node.hidden = true;
  hide[0].after(panel);
  title.focus();
}
