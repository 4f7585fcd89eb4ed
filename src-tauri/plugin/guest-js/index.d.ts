// Types of tauri-plugin-latchkey's JavaScript bindings (index.js). Every command resolves
// with its payload or rejects with a LatchkeyError.

/** Every error code the plugin answers with; codes never change meaning (new ones are additions). */
export type ErrorCode =
  | 'INVALID_USERNAME' | 'INVALID_PASSWORD' | 'WEAK_PASSWORD' | 'USERNAME_TAKEN'
  | 'INVALID_CREDENTIALS' | 'TOO_MANY_ATTEMPTS' | 'NOT_AUTHENTICATED'
  | 'STORAGE_UNAVAILABLE' | 'STORAGE_READ_ONLY' | 'STORAGE_FULL' | 'STORAGE_CORRUPT'
  | 'DATABASE_TOO_NEW' | 'FORBIDDEN' | 'REAUTH_REQUIRED' | 'PASSWORD_CHANGE_REQUIRED'
  | 'ACCOUNT_NOT_FOUND' | 'CANNOT_TARGET_SELF' | 'LAST_ADMINISTRATOR' | 'ACCOUNT_LOCKED'
  | 'SECOND_FACTOR_REQUIRED' | 'SECOND_FACTOR_EXPIRED' | 'TWO_STEP_SETUP_REQUIRED' | 'LOCKED'
  | 'TEMPORARY_PASSWORD_EXPIRED' | 'CONFIRMATION_REQUIRED' | 'INVALID_INPUT' | 'INTERNAL'
  | 'INVALID_CODE' | 'INVALID_RECOVERY_CODE' | 'TWO_STEP_ALREADY_ON'
  | 'DATA_CORRUPTED' | 'PRIVATE_SPACE_SEALED' | 'VALUE_TOO_LARGE' | 'INVALID_VALUE_NAME'
  | 'NOT_FOUND' | 'DIRECTORY_UNREACHABLE' | 'DIRECTORY_CACHE_EXPIRED' | 'DIRECTORY_CERTIFICATE'
  | 'DIRECTORY_NAME_TAKEN' | 'DIRECTORY_ACCOUNT';

/** Which rule a name or password broke (`INVALID_USERNAME`, `INVALID_PASSWORD`, `WEAK_PASSWORD`). */
export type Reason =
  | 'USERNAME_RULES' | 'USERNAME_SPACES' | 'USERNAME_MIXED_SCRIPTS' | 'PASSWORD_EMPTY'
  | 'PASSWORD_TOO_LONG' | 'PASSWORD_TOO_SHORT' | 'PASSWORD_COMMON'
  | 'PASSWORD_CONTAINS_USERNAME' | 'PASSWORD_UNCHANGED';

export declare class LatchkeyError extends Error {
  readonly code: ErrorCode;
  readonly reason?: Reason;
  readonly retryAfterSecs?: number;
  constructor(code: ErrorCode, details?: { message?: string; reason?: Reason; retryAfterSecs?: number });
}

export type Role = 'admin' | 'member';

export interface Profile {
  userId: string;
  username: string;
  createdAt: number;
  lastLoginAt: number | null;
  previousLoginAt: number | null;
  failedAttemptsSinceLastVisit: number;
  role: Role;
  mustChangePassword: boolean;
  twoStep: boolean;
  twoStepSetupRequired: boolean;
  recoveryCodesLeft: number;
  /** For a directory account, the directory's name for the person (its password is changed there); null for a local account. */
  directoryName: string | null;
}

export interface Notice {
  code: 'SIGNED_OUT_TO_MAKE_ROOM' | 'KEYRING_UNAVAILABLE' | 'SECOND_STEP_FAILED';
  username?: string;
}

export interface SignedInView {
  profile: Profile | null;
  secondFactor: boolean;
  /** The directory took a new password: call `previousPassword` once to reopen the private space. */
  previousPassword: boolean;
  recoveryCodes: string[] | null;
  notice: Notice | null;
}

export interface SessionView {
  signedIn: boolean;
  profile: Profile | null;
  locked: { username: string; lockedAt: number } | null;
  people: { username: string; locked: boolean; current: boolean; kept: boolean }[];
  lockAfterSecs: number | null;
  language: string;
  languages: { tag: string; name: string }[];
  notice: Notice | null;
  keyEscrow: boolean;
}

export interface SessionInfo {
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  current: boolean;
  kept: boolean;
}

export interface TwoStepSetupView {
  /** The secret in base32, in groups of four. */
  secret: string;
  uri: string;
  /** The QR code's rows: `1` dark, `0` light. */
  qr: string[];
}

export interface AccountView {
  userId: string;
  username: string;
  role: Role;
  createdAt: number;
  lastLoginAt: number | null;
  failedAttempts: number;
  lockedForSecs: number | null;
  mustChangePassword: boolean;
  temporaryPasswordExpiresAt: number | null;
  twoStep: boolean;
  privateDataRecoverable: boolean;
  /** A directory account: its password is the directory's (no reset here). */
  directory: boolean;
}

export interface EventView {
  at: number;
  kind: string;
  username: string | null;
  actor: string | null;
}

export interface LockSettingView {
  minutes: number | null;
  secs: number | null;
  overridden: boolean;
}

export interface SettingsView {
  lock: LockSettingView;
  twoStepForAdmins: boolean;
  keyEscrow: boolean;
}

export interface SpaceStatusView {
  state: 'open' | 'closed' | 'sealed';
  codesOpenSpace: boolean;
}

export interface NoteView {
  id: string;
  title: string;
  body: string | null;
  updatedAt: number;
}

/** Any JSON value a host app keeps (at most 1 MiB). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export declare function invoke<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>;

export declare function session(): Promise<SessionView>;
export declare function setLanguage(language: string): Promise<string>;
export declare function signup(username: string, password: string, remember: boolean): Promise<SignedInView>;
export declare function login(username: string, password: string, remember: boolean): Promise<SignedInView>;
export declare function secondFactor(code: string): Promise<SignedInView>;
/** After a password change at the directory: the previous password (or a recovery code) reopens the private space; without one, sign in with it sealed. */
export declare function previousPassword(password?: string): Promise<SignedInView>;
export declare function recover(username: string, code: string, newPassword: string, remember: boolean): Promise<SignedInView>;
export declare function profile(): Promise<Profile>;
export declare function logout(): Promise<null>;
export declare function changePassword(currentPassword: string, newPassword: string): Promise<SignedInView>;
export declare function listSessions(): Promise<SessionInfo[]>;
export declare function signOutOthers(): Promise<number>;
export declare function deleteAccount(password: string, confirm: boolean): Promise<null>;
export declare function recentAccounts(): Promise<string[]>;
export declare function forgetRecentAccount(username: string): Promise<null>;
export declare function newRecoveryCodes(password: string): Promise<string[]>;
export declare function twoStepBegin(): Promise<TwoStepSetupView>;
export declare function twoStepEnable(code: string, password: string): Promise<Profile>;
export declare function twoStepDisable(password: string, code: string): Promise<SignedInView>;
export declare function lock(): Promise<boolean>;
export declare function unlock(password: string): Promise<Profile>;
export declare function switchUser(): Promise<null>;
export declare function activity(): Promise<boolean>;
export declare function adminListAccounts(password?: string): Promise<AccountView[]>;
export declare function adminResetPassword(userId: string, password: string): Promise<{ temporaryPassword: string; privateDataKept: boolean }>;
export declare function adminUnlockAccount(userId: string, password?: string): Promise<null>;
export declare function adminDeleteAccount(userId: string, password: string): Promise<null>;
export declare function adminDisableTwoStep(userId: string, password: string): Promise<null>;
export declare function adminEvents(password?: string): Promise<EventView[]>;
export declare function adminSettings(password?: string): Promise<SettingsView>;
export declare function adminSetLockAfter(minutes: number | null, password?: string): Promise<LockSettingView>;
export declare function adminSetTwoStepForAdmins(required: boolean, password?: string): Promise<SettingsView>;
export declare function adminSetKeyEscrow(on: boolean, password: string): Promise<SettingsView>;
export interface DirectoryStatus {
  configured: boolean;
  server: string | null;
  reachable: boolean | null;
  problem: 'UNREACHABLE' | 'CERTIFICATE' | 'MISCONFIGURED' | 'SETTINGS' | null;
  lastContactAt: number | null;
  cachedPeople: number;
  cacheDays: number | null;
}
export declare function adminDirectoryStatus(password?: string): Promise<DirectoryStatus>;
export declare function privateSpaceStatus(): Promise<SpaceStatusView>;
export declare function privateSpaceOpen(password: string): Promise<SpaceStatusView>;
export declare function privateSpaceUnseal(code: string, password: string): Promise<string[]>;
export declare function privateSpaceStartOver(password: string, confirm: boolean): Promise<string[]>;
export declare function notesList(query?: string): Promise<NoteView[]>;
export declare function noteGet(id: string): Promise<NoteView>;
export declare function noteSave(id: string | null, title: string, body: string): Promise<NoteView>;
export declare function noteDelete(id: string): Promise<null>;
export declare function privateList(): Promise<string[]>;
export declare function privateGet(name: string): Promise<Json>;
export declare function privatePut(name: string, value: Json): Promise<null>;
export declare function privateDelete(name: string): Promise<boolean>;

/**
 * The address of one of the plugin's ready screens (served when the app's Rust side calls
 * `Builder::screens`); `index` (the default) shows whoever is here.
 */
export declare function screenUrl(
  name?: 'index' | 'login' | 'signup' | 'recover' | 'two-step' | 'lock' | 'profile' | 'change-password' | 'admin' | 'home' | 'note',
): string;

/**
 * Reports the person's input on this page to the plugin's idle lock, at most once every
 * `everyMs` milliseconds (default 5000); call it once on an app's own page.
 */
export declare function reportActivity(everyMs?: number): void;

/** Runs `handler` when the plugin locks the person at the keyboard; resolves to a function that stops it. */
export declare function onLocked(handler: () => void): Promise<() => void>;
