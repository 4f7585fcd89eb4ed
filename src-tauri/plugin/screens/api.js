// The one place the UI talks to Rust: the account plugin's own JavaScript bindings
// (`latchkey.js`, which is the plugin's guest-js/index.js; the command names live there),
// each wrapped so that a signed-in screen that finds its person locked goes to the lock
// screen. Every command resolves with its payload or rejects with a LatchkeyError
// { code, reason, retryAfterSecs }; the UI branches on `code` and finds its words in the
// catalogs (i18n.js), never in the error's English message.

import * as latchkey from './latchkey.js';
import { written } from './written.js';

performance.mark('modules'); // the first of the page's own modules to run (start-up timing)

export { LatchkeyError as ApiError } from './latchkey.js';

// Locked while on a signed-in screen (the idle lock, another window): to the lock screen.
function leavingWhenLocked(command) {
  return async (...args) => {
    try {
      return await command(...args);
    } catch (error) {
      if (error.code === 'LOCKED' && document.body.dataset.screen !== 'lock') {
        window.location.replace('lock.html');
      }
      throw error;
    }
  };
}

export { reportActivity } from './latchkey.js';

const {
  invoke: _invoke,
  onLocked: _onLocked,
  LatchkeyError: _error,
  screenUrl: _screenUrl,
  reportActivity: _reportActivity,
  ...commands
} = latchkey;

export const api = Object.fromEntries(
  Object.entries(commands).map(([name, command]) => [name, leavingWhenLocked(command)]),
);

// Who is here: the answer written into the page, else the answer to the question ask.js
// asked while the document was parsed (taken once), else a new question.
export function session() {
  const prepared = written('session');
  if (prepared) return Promise.resolve(prepared);
  const early = window.latchkeyAsked;
  window.latchkeyAsked = null; // taken (or asked here): ask.js, if it runs later, leaves it
  return early ? early.catch(() => api.session()) : api.session();
}

// Runs `handler` when Rust locks the person at the keyboard (idle, or the OS locked).
export function onLocked(handler) {
  latchkey.onLocked(handler).catch(() => {});
}

// Tells the app a screen is ready for input: the start-up benchmark times this, and the
// first one lets Rust begin the start-up work that can wait. `at`: milliseconds since the
// page's navigation began, at the response, the parsed document, the first module run, the
// session's answer, the screen's words in, the screen filled, and now.
export function announceReady(screen) {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.event) return;
  const navigation = performance.getEntriesByType('navigation')[0];
  const at = {
    response: Math.round(navigation?.responseEnd ?? 0),
    parsed: Math.round(navigation?.domInteractive ?? 0),
    modules: Math.round(performance.getEntriesByName('modules')[0]?.startTime ?? 0),
    session: Math.round(performance.getEntriesByName('session')[0]?.startTime ?? 0),
    words: Math.round(performance.getEntriesByName('words')[0]?.startTime ?? 0),
    shown: Math.round(performance.getEntriesByName('shown')[0]?.startTime ?? 0),
    ready: Math.round(performance.now()),
    origin: Math.round(performance.timeOrigin),
  };
  tauri.event.emit('latchkey://ready', { page: screen, at }).catch(() => {});
}

// The page a signed-in person goes to: Latchkey's private home (home.html), or, when the
// plugin serves these screens to another app, that app's own page (the plugin writes its
// address into each page's <meta name="latchkey-home">).
export const HOME = document.querySelector('meta[name="latchkey-home"]')?.content || 'home.html';

// Where a signed-in person belongs: a temporary password is replaced first, then two-step
// sign-in is turned on where required; then their home.
export function homeFor(profile) {
  if (profile && profile.mustChangePassword) return 'change-password.html';
  if (profile && profile.twoStepSetupRequired) return 'two-step.html';
  return HOME;
}
