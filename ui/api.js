// The one place the UI talks to Rust, and the one place that knows the command names (the
// account plugin's, `plugin:latchkey|<name>`). Every command resolves with its payload or
// rejects with an ApiError { code, reason, retryAfterSecs }; the UI branches on `code` and
// finds its words in the catalogs (i18n.js), never in the error's English message.

const tauri = window.__TAURI__;
performance.mark('modules'); // the first of the page's modules to run (start-up timing)

export class ApiError extends Error {
  constructor(code, details = {}) {
    super(code);
    this.code = code;
    this.reason = details.reason;
    this.retryAfterSecs = details.retryAfterSecs;
  }
}

// Text from the page may hold lone UTF-16 surrogates, which are not valid Unicode; send
// them as U+FFFD so that Rust always receives text it can judge (and answer with a code).
function wellFormed(args) {
  if (!args) return args;
  const out = {};
  for (const [key, value] of Object.entries(args)) {
    out[key] = typeof value === 'string' && typeof value.toWellFormed === 'function' ? value.toWellFormed() : value;
  }
  return out;
}

async function call(command, args) {
  if (!tauri || !tauri.core) throw new ApiError('INTERNAL');
  try {
    return await tauri.core.invoke(`plugin:latchkey|${command}`, wellFormed(args));
  } catch (error) {
    if (error && typeof error === 'object' && typeof error.code === 'string') {
      // Locked while on a signed-in screen (the idle lock, another window): to the lock screen.
      if (error.code === 'LOCKED' && document.body.dataset.screen !== 'lock') {
        window.location.replace('lock.html');
      }
      throw new ApiError(error.code, error);
    }
    throw new ApiError('INTERNAL');
  }
}

export const api = {
  session: () => call('session'),
  setLanguage: (language) => call('set_language', { language }),
  signup: (username, password, remember) => call('signup', { username, password, remember }),
  login: (username, password, remember) => call('login', { username, password, remember }),
  secondFactor: (code) => call('second_factor', { code }),
  recover: (username, code, newPassword, remember) => call('recover', { username, code, newPassword, remember }),
  profile: () => call('profile'),
  logout: () => call('logout'),
  changePassword: (currentPassword, newPassword) => call('change_password', { currentPassword, newPassword }),
  listSessions: () => call('list_sessions'),
  signOutOthers: () => call('sign_out_others'),
  deleteAccount: (password, confirm) => call('delete_account', { password, confirm }),
  recentAccounts: () => call('recent_accounts'),
  forgetRecentAccount: (username) => call('forget_recent_account', { username }),
  newRecoveryCodes: (password) => call('new_recovery_codes', { password }),
  twoStepBegin: () => call('two_step_begin'),
  twoStepEnable: (code, password) => call('two_step_enable', { code, password }),
  twoStepDisable: (password, code) => call('two_step_disable', { password, code }),
  lock: () => call('lock'),
  unlock: (password) => call('unlock', { password }),
  switchUser: () => call('switch_user'),
  activity: () => call('activity'),
  adminListAccounts: (password) => call('admin_list_accounts', { password }),
  adminResetPassword: (userId, password) => call('admin_reset_password', { userId, password }),
  adminUnlockAccount: (userId, password) => call('admin_unlock_account', { userId, password }),
  adminDeleteAccount: (userId, password) => call('admin_delete_account', { userId, password }),
  adminDisableTwoStep: (userId, password) => call('admin_disable_two_step', { userId, password }),
  adminEvents: (password) => call('admin_events', { password }),
  adminSettings: (password) => call('admin_settings', { password }),
  adminSetLockAfter: (minutes, password) => call('admin_set_lock_after', { minutes, password }),
  adminSetTwoStepForAdmins: (required, password) => call('admin_set_two_step_for_admins', { required, password }),
  privateSpaceStatus: () => call('private_space_status'),
  privateSpaceOpen: (password) => call('private_space_open', { password }),
  privateSpaceUnseal: (code, password) => call('private_space_unseal', { code, password }),
  privateSpaceStartOver: (password, confirm) => call('private_space_start_over', { password, confirm }),
  notesList: (query) => call('notes_list', { query }),
  noteGet: (id) => call('note_get', { id }),
  noteSave: (id, title, body) => call('note_save', { id, title, body }),
  noteDelete: (id) => call('note_delete', { id }),
  privateList: () => call('private_list'),
  privateGet: (name) => call('private_get', { name }),
  privatePut: (name, value) => call('private_put', { name, value }),
  privateDelete: (name) => call('private_delete', { name }),
  adminSetKeyEscrow: (on, password) => call('admin_set_key_escrow', { on, password }),
};

// Runs `handler` when Rust locks the person at the keyboard (idle, or the OS locked).
export function onLocked(handler) {
  if (tauri && tauri.event) tauri.event.listen('latchkey://locked', handler).catch(() => {});
}

// Tells the app a screen is ready for input: the start-up benchmark times this, and the
// first one lets Rust begin the start-up work that can wait. `at`: milliseconds since the
// page's navigation began, at the response, the parsed document, the first module run, the
// session's answer, the screen's words in, the screen filled, and now.
export function announceReady(screen) {
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

// Where a signed-in person belongs: a temporary password is replaced first, then two-step
// sign-in is turned on where required; then their home, their notes.
export function homeFor(profile) {
  if (profile && profile.mustChangePassword) return 'change-password.html';
  if (profile && profile.twoStepSetupRequired) return 'two-step.html';
  return 'home.html';
}
