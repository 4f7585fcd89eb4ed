// Every screen starts here: it asks Rust who is here, sends the window where it belongs,
// shows it in the right language with the language picker, and on signed-in screens wires
// the lock (the Lock button, Ctrl+L / Cmd+L, input reports for the idle lock kept in Rust,
// and the event Rust sends when it locks).

import { announceReady, api, HOME, homeFor, onLocked, reportActivity, session } from './api.js';
import { apply, messageFor, t, useLanguage } from './i18n.js';

export function $(id) {
  return document.getElementById(id);
}

function go(page) {
  window.location.replace(page);
  return null;
}

// Where `state` says this window belongs, when that is not `screen`; `null` to stay.
function destination(state, screen, needs) {
  if (state.locked) return screen === 'lock' ? null : 'lock.html';
  if (needs === 'locked') return state.signedIn ? homeFor(state.profile) : 'login.html';
  if (needs === 'signed-out') return state.signedIn ? homeFor(state.profile) : null;
  if (!state.signedIn) return 'login.html';
  const home = homeFor(state.profile);
  // A step to take first (a new password, two-step set-up) before any signed-in screen.
  if (home !== HOME && !home.startsWith(screen)) return home;
  return null;
}

// The language picker, filled from the session's answer (start.js may have filled it from
// its hints already); its change listener is added once.
let shownLanguage = 'en';
function showLanguages(state) {
  const select = $('language');
  if (!select || !state.languages || state.languages.length < 2) return;
  shownLanguage = state.language;
  select.replaceChildren(
    ...state.languages.map((language) => {
      const option = document.createElement('option');
      option.value = language.tag;
      option.textContent = language.name;
      option.lang = language.tag;
      return option;
    }),
  );
  select.value = state.language;
  select.disabled = false;
  $('language-row').hidden = false;
  if (select.dataset.wired) return;
  select.dataset.wired = 'true';
  select.addEventListener('change', async () => {
    try {
      shownLanguage = await api.setLanguage(select.value);
      await useLanguage(shownLanguage);
    } catch {
      select.value = shownLanguage;
    }
  });
}

// Something Rust has to tell the person (in its session answer, with the name it concerns),
// worded again when the language changes.
function showNotice(state) {
  const box = $('notice');
  const notice = state.notice;
  if (!box || !notice?.code) return;
  const show = () => {
    box.textContent = t(`notice.${notice.code}`, { name: notice.username ?? '' });
  };
  show();
  box.hidden = false;
  document.addEventListener('latchkey:language', show);
}

// Reports input to Rust (which keeps the idle clock) no more often than a third of the idle
// delay, so that someone typing is never locked out; no input, no report.
function watchActivity(lockAfterSecs) {
  if (!lockAfterSecs) return;
  reportActivity(Math.min(5000, Math.max(500, (lockAfterSecs * 1000) / 3)));
}

export async function lockNow() {
  try {
    await api.lock();
  } finally {
    go('lock.html');
  }
}

function wireLock(state) {
  const button = $('lock');
  if (button) button.addEventListener('click', lockNow);
  window.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'l') {
      event.preventDefault();
      lockNow();
    }
  });
  onLocked(() => go('lock.html'));
  watchActivity(state.lockAfterSecs);
}

// Hints for the next screens, none of them a secret (Rust decides every time): whether
// anyone is at the keyboard in this run, and the language and language list last shown.
// They let a sign-in screen draw itself before Rust has answered (start.js). (Where the
// window opens at the next start is Rust's own hint.)
function rememberHints(state) {
  try {
    localStorage.removeItem('latchkey.start'); // where versions before 0.2 kept the first page
    localStorage.setItem('latchkey.language', state.language);
    localStorage.setItem('latchkey.languages', JSON.stringify(state.languages || []));
    sessionStorage.setItem('latchkey.here', state.signedIn || state.locked ? 'someone' : 'nobody');
  } catch {
    // No storage: every screen waits for Rust.
  }
}

// Shows the screen: out of routing, `focus` focused (unless someone already moved the
// focus), and the app told it is ready.
function reveal(screen, focus) {
  document.body.classList.remove('routing');
  if (focus && (document.activeElement === document.body || !document.activeElement)) focus.focus();
  announceReady(screen);
}

// Starts a screen. `needs`: 'signed-out' (sign-in, sign-up, recovery), 'signed-in', or
// 'locked' (the lock screen). `show(state)`, if given, fills the screen before it is shown
// and may return the element to focus; the screen is ready for input after that. A
// signed-out screen that start.js says may be drawn early (nobody here, the language last
// shown) is shown before Rust answers: start.js has drawn it already when it is in the
// page's own words, else it is drawn here once its catalog is in; `show` then completes it.
// Resolves with the session state, or null when leaving.
export async function startPage(screen, needs, show) {
  document.body.dataset.screen = screen;
  const asked = session();
  const root = document.documentElement;
  const early = needs === 'signed-out' ? root.dataset.early : undefined;
  const words = early ? useLanguage(early) : null;
  if (early && !root.dataset.drawn) {
    await words;
    reveal(screen, document.querySelector('main form:not([hidden]) input'));
  }
  let state;
  try {
    state = await asked;
    performance.mark('session');
  } catch (error) {
    await (early ? words : useLanguage(navigator.language?.split('-')[0] || 'en'));
    const box = $('error');
    if (box) {
      box.textContent = messageFor(error);
      box.hidden = false;
    }
    if (!early) reveal(screen, null);
    return null;
  }
  rememberHints(state);
  const elsewhere = destination(state, screen, needs);
  if (elsewhere) return go(elsewhere);
  await (early === state.language ? words : useLanguage(state.language));
  performance.mark('words');
  // In its words and staying: a submit start.js held may go now (forms.js).
  document.dispatchEvent(new CustomEvent('latchkey:settled'));
  showLanguages(state);
  showNotice(state);
  // Key escrow on: sign-up and account settings say so (the element is on those pages).
  const escrow = $('escrow-notice');
  if (escrow) escrow.hidden = !state.keyEscrow;
  if (needs === 'signed-in') wireLock(state);
  const focus = show ? await show(state) : null;
  performance.mark('shown');
  if (!early) reveal(screen, focus);
  return state;
}

export { apply };
