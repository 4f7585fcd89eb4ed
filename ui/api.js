// The one place the UI talks to Rust, and the one place that knows the command names (the
// account plugin's, `plugin:latchkey|<name>`). Every command resolves with its payload or
// rejects with an ApiError { code, message, retryAfterSecs }; the UI branches on `code`.

const tauri = window.__TAURI__;

export class ApiError extends Error {
  constructor(code, message, retryAfterSecs) {
    super(message);
    this.code = code;
    this.retryAfterSecs = retryAfterSecs;
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
  if (!tauri || !tauri.core) {
    throw new ApiError('INTERNAL', 'Latchkey must be opened as an app.');
  }
  try {
    return await tauri.core.invoke(`plugin:latchkey|${command}`, wellFormed(args));
  } catch (error) {
    if (error && typeof error === 'object' && typeof error.code === 'string') {
      throw new ApiError(error.code, String(error.message || ''), error.retryAfterSecs);
    }
    throw new ApiError('INTERNAL', 'Something went wrong. Please try again.');
  }
}

export const api = {
  signup: (username, password, remember) => call('signup', { username, password, remember }),
  login: (username, password, remember) => call('login', { username, password, remember }),
  profile: () => call('profile'),
  logout: () => call('logout'),
  session: () => call('session'),
  changePassword: (currentPassword, newPassword) => call('change_password', { currentPassword, newPassword }),
  listSessions: () => call('list_sessions'),
  signOutOthers: () => call('sign_out_others'),
  deleteAccount: (password, confirm) => call('delete_account', { password, confirm }),
  recentAccounts: () => call('recent_accounts'),
  forgetRecentAccount: (username) => call('forget_recent_account', { username }),
  adminListAccounts: (password) => call('admin_list_accounts', { password }),
  adminResetPassword: (userId, password) => call('admin_reset_password', { userId, password }),
  adminUnlockAccount: (userId, password) => call('admin_unlock_account', { userId, password }),
  adminDeleteAccount: (userId, password) => call('admin_delete_account', { userId, password }),
  adminEvents: (password) => call('admin_events', { password }),
};

// Tells the app a screen is ready for input (the start-up benchmark times this).
export function announceReady(page) {
  if (tauri && tauri.event) {
    tauri.event.emit('latchkey://ready', { page }).catch(() => {});
  }
}

// Where a signed-in person belongs: a temporary password must be replaced first.
export function homeFor(profile) {
  return profile && profile.mustChangePassword ? 'change-password.html' : 'profile.html';
}

export function formatTime(ms) {
  if (typeof ms !== 'number') return 'Never';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

// Plain words for each code. Rule errors keep the engine's message, which says what is allowed.
export function messageFor(error) {
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'Incorrect username or password.';
    case 'USERNAME_TAKEN':
      return 'That username is already taken. Choose another one.';
    case 'TOO_MANY_ATTEMPTS':
      return waitMessage(error.retryAfterSecs);
    case 'NOT_AUTHENTICATED':
      return 'You are signed out. Please sign in again.';
    case 'INVALID_USERNAME':
    case 'FORBIDDEN':
    case 'REAUTH_REQUIRED':
    case 'PASSWORD_CHANGE_REQUIRED':
    case 'ACCOUNT_NOT_FOUND':
    case 'CANNOT_TARGET_SELF':
    case 'LAST_ADMINISTRATOR':
    case 'CONFIRMATION_REQUIRED':
    case 'INVALID_PASSWORD':
    case 'WEAK_PASSWORD':
    case 'TEMPORARY_PASSWORD_EXPIRED':
    case 'STORAGE_UNAVAILABLE':
    case 'STORAGE_READ_ONLY':
    case 'STORAGE_FULL':
    case 'STORAGE_CORRUPT':
    case 'DATABASE_TOO_NEW':
      return error.message;
    default:
      return 'Something went wrong. Please try again.';
  }
}

export function waitMessage(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 1));
  const wait = s >= 90 ? `${Math.ceil(s / 60)} minutes` : `${s} second${s === 1 ? '' : 's'}`;
  return `Too many failed attempts. Try again in ${wait}.`;
}

// Notices passed between screens by a short code in the URL (never the text itself).
export const NOTICES = {
  keyring:
    'Your system keyring could not be reached, so you are signed in for this session only. You will need to sign in again next time you open Latchkey.',
};

export function noticeCodeFor(text) {
  return Object.keys(NOTICES).find((key) => NOTICES[key] === text) || '';
}
