// tauri-plugin-latchkey's JavaScript bindings: one function per command of the plugin
// (`plugin:latchkey|<name>`), a `LatchkeyError` carrying the stable error code, and
// `onLocked()`. A plain ES module with its types in `index.d.ts`: no build step. It uses the
// global `window.__TAURI__` (set `app.withGlobalTauri` in tauri.conf.json), so a page can
// load it as it is from its own origin under a strict CSP.
//
// The list of commands is `COMMANDS` in the plugin's build.rs; a test fails when this file,
// the handler list or the permissions drift from it.

const tauri = () => globalThis.window?.__TAURI__;

/** A refused command: `code` is stable (see the plugin's README); `message` is English. */
export class LatchkeyError extends Error {
  constructor(code, details = {}) {
    super(details.message || code);
    this.name = 'LatchkeyError';
    this.code = code;
    this.reason = details.reason;
    this.retryAfterSecs = details.retryAfterSecs;
  }
}

// Text from a page may hold lone UTF-16 surrogates, which are not valid Unicode: sent as
// U+FFFD, so that Rust always receives text it can judge (and answer with a code).
function wellFormed(args) {
  if (!args) return args;
  const out = {};
  for (const [key, value] of Object.entries(args)) {
    out[key] = typeof value === 'string' && typeof value.toWellFormed === 'function' ? value.toWellFormed() : value;
  }
  return out;
}

/** Calls one of the plugin's commands by its name in build.rs. */
export async function invoke(command, args) {
  const core = tauri()?.core;
  if (!core) throw new LatchkeyError('INTERNAL', { message: 'window.__TAURI__ is missing (app.withGlobalTauri)' });
  try {
    return await core.invoke(`plugin:latchkey|${command}`, wellFormed(args));
  } catch (error) {
    if (error && typeof error === 'object' && typeof error.code === 'string') {
      throw new LatchkeyError(error.code, error);
    }
    throw new LatchkeyError('INTERNAL');
  }
}

// Who is here.
export const session = () => invoke('session');
export const setLanguage = (language) => invoke('set_language', { language });
export const signup = (username, password, remember) => invoke('signup', { username, password, remember });
export const login = (username, password, remember) => invoke('login', { username, password, remember });
export const secondFactor = (code) => invoke('second_factor', { code });
export const previousPassword = (password) => invoke('previous_password', { password });
export const recover = (username, code, newPassword, remember) => invoke('recover', { username, code, newPassword, remember });
export const profile = () => invoke('profile');
export const logout = () => invoke('logout');
// The person's own account.
export const changePassword = (currentPassword, newPassword) => invoke('change_password', { currentPassword, newPassword });
export const listSessions = () => invoke('list_sessions');
export const signOutOthers = () => invoke('sign_out_others');
export const deleteAccount = (password, confirm) => invoke('delete_account', { password, confirm });
export const recentAccounts = () => invoke('recent_accounts');
export const forgetRecentAccount = (username) => invoke('forget_recent_account', { username });
export const newRecoveryCodes = (password) => invoke('new_recovery_codes', { password });
export const twoStepBegin = () => invoke('two_step_begin');
export const twoStepEnable = (code, password) => invoke('two_step_enable', { code, password });
export const twoStepDisable = (password, code) => invoke('two_step_disable', { password, code });
// Locking and switching.
export const lock = () => invoke('lock');
export const unlock = (password) => invoke('unlock', { password });
export const switchUser = () => invoke('switch_user');
export const activity = () => invoke('activity');
// The administrator.
export const adminListAccounts = (password) => invoke('admin_list_accounts', { password });
export const adminResetPassword = (userId, password) => invoke('admin_reset_password', { userId, password });
export const adminUnlockAccount = (userId, password) => invoke('admin_unlock_account', { userId, password });
export const adminDeleteAccount = (userId, password) => invoke('admin_delete_account', { userId, password });
export const adminDisableTwoStep = (userId, password) => invoke('admin_disable_two_step', { userId, password });
export const adminEvents = (password) => invoke('admin_events', { password });
export const adminSettings = (password) => invoke('admin_settings', { password });
export const adminSetLockAfter = (minutes, password) => invoke('admin_set_lock_after', { minutes, password });
export const adminSetTwoStepForAdmins = (required, password) => invoke('admin_set_two_step_for_admins', { required, password });
export const adminSetKeyEscrow = (on, password) => invoke('admin_set_key_escrow', { on, password });
export const adminDirectoryStatus = (password) => invoke('admin_directory_status', { password });
// The private space.
export const privateSpaceStatus = () => invoke('private_space_status');
export const privateSpaceOpen = (password) => invoke('private_space_open', { password });
export const privateSpaceUnseal = (code, password) => invoke('private_space_unseal', { code, password });
export const privateSpaceStartOver = (password, confirm) => invoke('private_space_start_over', { password, confirm });
export const notesList = (query) => invoke('notes_list', { query });
export const noteGet = (id) => invoke('note_get', { id });
export const noteSave = (id, title, body) => invoke('note_save', { id, title, body });
export const noteDelete = (id) => invoke('note_delete', { id });
export const privateList = () => invoke('private_list');
export const privateGet = (name) => invoke('private_get', { name });
export const privatePut = (name, value) => invoke('private_put', { name, value });
export const privateDelete = (name) => invoke('private_delete', { name });

/**
 * The address of one of the plugin's ready screens (`Builder::screens` in Rust):
 * `latchkey://localhost/<name>.html`, or `http://latchkey.localhost/<name>.html` on Windows.
 * `index` shows whoever is here: the sign-in screen, the lock screen or the app's own page.
 */
export function screenUrl(name = 'index') {
  const windows = /Windows/.test(globalThis.navigator?.userAgent ?? '');
  return `${windows ? 'http://latchkey.localhost' : 'latchkey://localhost'}/${name}.html`;
}

/**
 * Keeps the idle lock from locking someone who is using the page: reports their input
 * (keys, pointer, wheel, touch) to the plugin, at most once every `everyMs` milliseconds
 * (keep it under a third of the idle delay). Latchkey's screens do this themselves; an app's
 * own page calls it once.
 */
export function reportActivity(everyMs = 5000) {
  let last = 0;
  const report = () => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    invoke('activity').catch(() => {});
  };
  for (const kind of ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart']) {
    globalThis.addEventListener?.(kind, report, { passive: true, capture: true });
  }
}

/**
 * Runs `handler` when the plugin locks the person at the keyboard (idle, the OS, another
 * window); resolves to a function that stops it. Heard on a channel the page gives Rust
 * (cheaper than an event listener; the `latchkey://locked` event is still sent too).
 */
export function onLocked(handler) {
  const Channel = tauri()?.core?.Channel;
  if (!Channel) return Promise.resolve(() => {});
  let listening = true;
  const channel = new Channel();
  channel.onmessage = () => {
    if (listening) handler();
  };
  return invoke('watch_locked', { channel }).then(() => () => {
    listening = false;
  });
}
