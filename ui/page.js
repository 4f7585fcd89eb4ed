// Every screen starts here: it asks Rust who is here, sends the window where it belongs,
// shows it in the right language with the language picker, and on signed-in screens wires
// the lock (the Lock button, Ctrl+L / Cmd+L, input reports for the idle lock kept in Rust,
// and the event Rust sends when it locks).

import { announceReady, api, homeFor, onLocked } from './api.js';
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
  if (home !== 'profile.html' && !home.startsWith(screen)) return home;
  return null;
}

function showLanguages(state) {
  const select = $('language');
  if (!select || !state.languages || state.languages.length < 2) return;
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
  $('language-row').hidden = false;
  select.addEventListener('change', async () => {
    try {
      await useLanguage(await api.setLanguage(select.value));
    } catch {
      select.value = state.language;
    }
  });
}

function showNotice(state) {
  const box = $('notice');
  const code = state.notice?.code || new URLSearchParams(window.location.search).get('notice');
  if (!box || !code) return;
  box.textContent = t(`notice.${code}`, { name: state.notice?.username ?? '' });
  box.hidden = false;
}

// Reports input to Rust (which keeps the idle clock) no more often than a third of the idle
// delay, so that someone typing is never locked out; no input, no report.
function reportActivity(lockAfterSecs) {
  if (!lockAfterSecs) return;
  const every = Math.min(5000, Math.max(500, (lockAfterSecs * 1000) / 3));
  let last = 0;
  const report = () => {
    const now = Date.now();
    if (now - last < every) return;
    last = now;
    api.activity().catch(() => {});
  };
  for (const kind of ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart']) {
    window.addEventListener(kind, report, { passive: true, capture: true });
  }
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
  reportActivity(state.lockAfterSecs);
}

// Where the window opens at the next start (read by start.js): on the profile when someone
// here is kept signed in, else on the sign-in screen.
function rememberStart(state) {
  try {
    localStorage.setItem('latchkey.start', state.people?.some((person) => person.kept) ? 'profile' : 'login');
  } catch {
    // No storage: the next start opens on the sign-in screen.
  }
}

// Starts a screen. `needs`: 'signed-out' (sign-in, sign-up, recovery), 'signed-in', or
// 'locked' (the lock screen). `show(state)`, if given, fills the screen before it is shown
// and may return the element to focus; the screen is ready for input after that. Resolves
// with the session state, or null when leaving.
export async function startPage(screen, needs, show) {
  document.body.dataset.screen = screen;
  let state;
  try {
    state = await api.session();
    performance.mark('session');
  } catch (error) {
    await useLanguage(navigator.language?.split('-')[0] || 'en');
    document.body.classList.remove('routing');
    const box = $('error');
    if (box) {
      box.textContent = messageFor(error);
      box.hidden = false;
    }
    announceReady(screen);
    return null;
  }
  rememberStart(state);
  const elsewhere = destination(state, screen, needs);
  if (elsewhere) return go(elsewhere);
  await useLanguage(state.language);
  showLanguages(state);
  showNotice(state);
  if (needs === 'signed-in') wireLock(state);
  const focus = show ? await show(state) : null;
  document.body.classList.remove('routing');
  focus?.focus();
  announceReady(screen);
  return state;
}

export { apply };
