// What every form shares: a visible busy state, errors in the GOV.UK pattern (a summary with
// role="alert" that gets focus and links to the field; the field marked aria-invalid and
// described by its own message; a wait announced when it starts and ends, not every
// second; every error re-worded where it stands when the language changes), the password show/hide button and caps-lock warning (both announced), and Enter
// that never submits while an input method is composing.

import { $ } from './page.js';
import { messageFor, t, waitMessage } from './i18n.js';

export function setBusy(form, busy, busyKey) {
  const submit = form.querySelector('button[type="submit"]');
  form.setAttribute('aria-busy', busy ? 'true' : 'false');
  form.classList.toggle('busy', busy);
  submit.disabled = busy;
  if (busy) {
    submit.dataset.idle = submit.textContent;
    submit.textContent = t(busyKey);
  } else if (submit.dataset.idle) {
    submit.textContent = submit.dataset.idle;
  }
}

// Runs `work` with `button` disabled and showing `busyKey`'s words.
export async function whileBusy(button, busyKey, work) {
  const idle = button.textContent;
  button.disabled = true;
  button.textContent = t(busyKey);
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = idle;
  }
}

const countdowns = new WeakMap();
// Every error on the screen, by its box (a form's summary, a page's error box): how to word
// it again, so that a change of language re-words it where it stands, focus left alone.
const rewordings = new WeakMap();

document.addEventListener('latchkey:language', () => {
  for (const box of document.querySelectorAll('.error-summary, .error')) {
    if (!box.hidden) rewordings.get(box)?.();
  }
});

// Sets `node`'s words only when they change (a live region is not made to speak again).
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// Removes every error shown in `form` (its summary and its fields' messages).
export function clearErrors(form) {
  const summary = form.querySelector('.error-summary');
  if (summary) {
    clearInterval(countdowns.get(summary));
    rewordings.delete(summary);
    summary.replaceChildren();
    summary.hidden = true;
  }
  for (const field of form.querySelectorAll('[aria-invalid="true"]')) {
    field.removeAttribute('aria-invalid');
    const message = $(`${field.id}-error`);
    if (message) {
      message.textContent = '';
      message.hidden = true;
    }
  }
}

// Shows `words()` as `form`'s error: in the summary (focused, with a link to the field) and,
// when `fieldId` is given, on the field itself. Returns the element holding the words and
// the function that words them again (in the language of the moment).
function show(form, words, fieldId) {
  clearErrors(form);
  const summary = form.querySelector('.error-summary');
  const heading = document.createElement('p');
  heading.className = 'error-title';
  const body = document.createElement('p');
  const field = fieldId ? $(fieldId) : null;
  const message = field ? $(`${fieldId}-error`) : null;
  let target = body;
  if (field) {
    target = document.createElement('a');
    target.href = `#${fieldId}`;
    target.addEventListener('click', (event) => {
      event.preventDefault();
      field.focus();
    });
    body.append(target);
    field.setAttribute('aria-invalid', 'true');
    if (message) message.hidden = false;
  }
  const paint = () => {
    setText(heading, t('common.errorSummary'));
    const text = words();
    setText(target, text);
    if (message) setText(message, text);
  };
  paint();
  rewordings.set(summary, paint);
  summary.replaceChildren(heading, body);
  summary.hidden = false;
  summary.focus();
  return { summary, target, paint };
}

// Shows the catalog's words for `key` as `form`'s error, on the field `fieldId` if given.
export function showFormError(form, key, fieldId) {
  show(form, () => t(key), fieldId);
}

// Shows an API error in `form`; `fieldFor(code)` names the field it is about. A wait
// counts down.
export function showError(form, error, fieldFor = () => null) {
  if (error.code !== 'TOO_MANY_ATTEMPTS') {
    show(form, () => messageFor(error), fieldFor(error.code));
    return;
  }
  let left = Math.max(1, Number(error.retryAfterSecs) || 1);
  const words = () => (left > 0 ? waitMessage(left) : t('error.TOO_MANY_ATTEMPTS.over'));
  const { summary, target, paint } = show(form, words, fieldFor(error.code));
  // The summary is an alert: the wait is announced when it starts and when it is over,
  // while the seconds in between tick on the screen only.
  target.setAttribute('aria-live', 'off');
  countdowns.set(
    summary,
    setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(countdowns.get(summary));
        target.removeAttribute('aria-live');
      }
      paint();
    }, 1000),
  );
}

// Shows an error outside any form: in the page's #error box, or in `box`.
export function showPageError(error, box = $('error')) {
  const paint = () => setText(box, messageFor(error));
  paint();
  rewordings.set(box, paint);
  box.hidden = false;
}

// The show/hide button of a password field, and its caps-lock warning.
export function setupPasswordField(inputId, toggleId, capsId) {
  const input = $(inputId);
  const toggle = $(toggleId);
  const caps = $(capsId);
  const status = $(`${toggleId}-status`);
  // The caps-lock warning is a live region that is always there: its words come and go
  // (a region that is itself shown and hidden is announced unreliably).
  let capsOn = false;
  const showCaps = () => {
    caps.textContent = capsOn ? t('common.capsLock') : '';
  };
  const label = () => {
    const shown = input.type === 'text';
    toggle.textContent = t(shown ? 'common.hide' : 'common.show');
    toggle.setAttribute('aria-label', t(shown ? 'common.hidePassword' : 'common.showPassword'));
    toggle.setAttribute('aria-pressed', shown ? 'true' : 'false');
    showCaps();
  };
  toggle.addEventListener('click', () => {
    input.type = input.type === 'password' ? 'text' : 'password';
    label();
    if (status) status.textContent = t(input.type === 'text' ? 'common.passwordShown' : 'common.passwordHidden');
    input.focus();
  });
  document.addEventListener('latchkey:language', label);
  const checkCaps = (event) => {
    if (typeof event.getModifierState !== 'function') return;
    const on = event.getModifierState('CapsLock');
    if (on !== capsOn) {
      capsOn = on;
      showCaps();
    }
  };
  input.addEventListener('keydown', checkCaps);
  input.addEventListener('keyup', checkCaps);
  input.addEventListener('blur', () => {
    capsOn = false;
    showCaps();
  });
}

// Submits `form` through `handler`, but never while an input method (Hangul, kana, …) is
// composing: Enter then confirms the composition, as the person expects. A submit start.js
// held before this ran (on a screen it drew early) is carried out once the screen has settled.
export function onSubmit(form, handler) {
  let composing = false;
  form.addEventListener('compositionstart', () => {
    composing = true;
  });
  form.addEventListener('compositionend', () => {
    composing = false;
  });
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.isComposing || event.keyCode === 229 || composing)) {
      event.preventDefault();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (composing || form.classList.contains('busy')) return;
    handler(event);
  });
  form.dataset.wired = 'true';
  // Submitted while start.js had drawn the screen and this module had not arrived yet: sent
  // once the screen has its words and Rust has said it stays (page.js), else dropped.
  if (form.dataset.held) {
    document.addEventListener(
      'latchkey:settled',
      () => {
        if (!form.dataset.held) return;
        delete form.dataset.held;
        handler(null);
      },
      { once: true },
    );
  }
}
