// Behaviour shared by the sign-up and sign-in forms: busy state, errors, the password
// show/hide toggle and the caps-lock warning.

import { homeFor, messageFor, waitMessage } from './api.js';

export function $(id) {
  return document.getElementById(id);
}

export function setBusy(form, busy, busyLabel) {
  const submit = form.querySelector('button[type="submit"]');
  form.setAttribute('aria-busy', busy ? 'true' : 'false');
  form.classList.toggle('busy', busy);
  submit.disabled = busy;
  if (busy) {
    submit.dataset.label = submit.textContent;
    submit.textContent = busyLabel;
  } else if (submit.dataset.label) {
    submit.textContent = submit.dataset.label;
  }
}

let countdown = null;

export function clearError() {
  const box = $('error');
  clearInterval(countdown);
  box.textContent = '';
  box.hidden = true;
}

// Shows an error by code; TOO_MANY_ATTEMPTS counts down the remaining wait.
export function showError(error) {
  const box = $('error');
  clearInterval(countdown);
  box.hidden = false;
  box.textContent = messageFor(error);
  if (error.code === 'TOO_MANY_ATTEMPTS') {
    let left = Math.max(1, Number(error.retryAfterSecs) || 1);
    countdown = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        clearInterval(countdown);
        box.textContent = 'You can try again now.';
      } else {
        box.textContent = waitMessage(left);
      }
    }, 1000);
  }
}

// Shows an error in a given alert element (for the smaller forms on the profile).
export function showErrorIn(box, error) {
  box.hidden = false;
  box.textContent = messageFor(error);
}

export function hide(box) {
  box.textContent = '';
  box.hidden = true;
}

export function setupPasswordField() {
  const input = $('password');
  const toggle = $('toggle-password');
  const caps = $('caps-warning');
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.textContent = show ? 'Hide' : 'Show';
    toggle.setAttribute('aria-pressed', show ? 'true' : 'false');
    input.focus();
  });
  const checkCaps = (event) => {
    if (typeof event.getModifierState === 'function') {
      caps.hidden = !event.getModifierState('CapsLock');
    }
  };
  input.addEventListener('keydown', checkCaps);
  input.addEventListener('keyup', checkCaps);
  input.addEventListener('blur', () => {
    caps.hidden = true;
  });
}

// Routes a signed-in person away from the sign-up and sign-in screens. Reveals the page
// only once it knows it is staying, so nothing flickers.
export async function leaveIfSignedIn(api) {
  try {
    const state = await api.session();
    if (state.signedIn) {
      window.location.replace(homeFor(state.profile));
      return true;
    }
    if (state.notice) {
      const notice = $('notice');
      notice.textContent = state.notice;
      notice.hidden = false;
    }
  } catch (error) {
    showError(error);
  }
  document.body.classList.remove('routing');
  return false;
}

// Wires a credentials form: submit runs `action`, errors keep the username and clear the
// password, and success goes to the profile.
export function wireCredentialsForm(form, busyLabel, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.classList.contains('busy')) return;
    clearError();
    const username = $('username').value;
    const password = $('password').value;
    const remember = $('remember').checked;
    setBusy(form, true, busyLabel);
    try {
      const result = await action(username, password, remember);
      $('password').value = '';
      const notice = result && result.notice ? `?notice=keyring` : '';
      window.location.replace(`${homeFor(result && result.profile)}${notice}`);
    } catch (error) {
      setBusy(form, false);
      $('password').value = '';
      showError(error);
      const field = error.code === 'INVALID_USERNAME' || error.code === 'USERNAME_TAKEN' ? 'username' : 'password';
      $(field).focus();
    }
  });
}
