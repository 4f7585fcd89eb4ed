// Recovery codes, shown once: a list with Print, and a box to tick ("I have saved these
// codes") before going on. Built here, with DOM calls, for every screen that shows codes
// (sign-up, a recovery, the second step of sign-in, a forced password change, the account
// settings, opening a private space sealed by a reset).
// There is no Copy: the clipboard is shared by everyone at this keyboard.

import { t } from './i18n.js';

// An element; `key` (a catalog key) gives its words, again whenever the language changes.
function element(tag, attributes = {}, key) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (key !== undefined) {
    node.dataset.i18n = key;
    node.textContent = t(key);
  }
  return node;
}

// Shows `codes` in place of the elements in `hide`, and calls `onDone` once the person has
// ticked the box and pressed Continue. No codes (none were made): `onDone` at once.
export function showCodes(codes, hide, onDone) {
  if (!codes || codes.length === 0) {
    onDone();
    return;
  }
  const title = element('h2', { id: 'codes-title', tabindex: '-1' }, 'codes.title');
  const list = element('ol', {
    id: 'codes-list',
    class: 'codes-list',
    'aria-label': t('codes.listLabel'),
    'data-i18n-attr': 'aria-label:codes.listLabel',
  });
  for (const code of codes) {
    const item = element('li', { translate: 'no' });
    item.textContent = code;
    list.append(item);
  }
  const print = element('button', { id: 'codes-print', type: 'button', class: 'secondary' }, 'codes.print');
  print.addEventListener('click', () => window.print());
  const saved = element('input', { id: 'codes-saved', type: 'checkbox', 'aria-describedby': 'codes-error' });
  const error = element('p', { id: 'codes-error', class: 'field-error' });
  error.hidden = true;
  const form = element('form', { id: 'codes-form', novalidate: '' });
  const check = element('div', { class: 'check' });
  check.append(saved, element('label', { for: 'codes-saved' }, 'codes.saved'));
  form.append(check, error, element('button', { type: 'submit', class: 'primary' }, 'common.continue'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!saved.checked) {
      error.dataset.i18n = 'codes.mustTick';
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
  actions.append(print);
  const panel = element('section', { id: 'codes-panel', class: 'codes', 'aria-labelledby': 'codes-title' });
  panel.append(title, element('p', {}, 'codes.intro'), list, actions, form);
  for (const node of hide) node.hidden = true;
  hide[0].after(panel);
  title.focus();
}
