// The signed-in home: the person's notes, kept in their private space. The space is open
// (its key is in memory: the notes, a search by title), closed (a kept session reopened in
// a new run: the password opens it) or sealed by an administrator's reset (one of the
// person's recovery codes opens it, or they start again with an empty space).

import { api } from './api.js';
import { showCodes } from './codes.js';
import { formatTime, t, tNodes } from './i18n.js';
import { $, startPage } from './page.js';
import { written } from './written.js';
import { clearErrors, onSubmit, setBusy, setupPasswordField, showError, showFormError, showPageError, whileBusy } from './forms.js';

// What note.js left to be said here once it is back (a catalog key, never a secret).
const FLASH = 'latchkey.flash';
const FLASHES = { saved: 'home.saved', deleted: 'home.deleted' };

let username = '';
let directory = false; // a directory account (its notes are sealed for other reasons)
let space = null; // { state: 'open' | 'closed' | 'sealed', codesOpenSpace }
let notes = [];
let query = ''; // the search whose results are shown ('' for every note)
let flash = null;

function takeFlash() {
  try {
    const key = FLASHES[sessionStorage.getItem(FLASH)];
    sessionStorage.removeItem(FLASH);
    return key ?? null;
  } catch {
    return null;
  }
}

function renderName() {
  const name = $('home-username');
  name.textContent = username;
  $('home-signed-in').replaceChildren(...tNodes('home.signedInAs', { name }));
  for (const id of ['open-username', 'unseal-username', 'start-over-username']) $(id).value = username;
}

function renderCodesPrompt() {
  const prompt = $('codes-prompt');
  prompt.hidden = !space || space.state !== 'open' || space.codesOpenSpace;
  if (prompt.hidden) return;
  const link = document.createElement('a');
  link.href = 'profile.html';
  link.textContent = t('home.settings');
  prompt.replaceChildren(...tNodes('home.codesPrompt', { link }));
}

function noteItem(note) {
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = `note.html?id=${encodeURIComponent(note.id)}`;
  link.textContent = note.title || t('home.untitled');
  const when = document.createElement('span');
  when.className = 'tags';
  when.textContent = t('home.lastChanged', { time: formatTime(note.updatedAt) });
  item.append(link, when);
  return item;
}

function renderList() {
  $('notes-list').replaceChildren(...notes.map(noteItem));
  $('notes-list').hidden = notes.length === 0;
  $('notes-empty').hidden = notes.length > 0 || query !== '';
  $('show-all-row').hidden = query === '';
  const status = $('search-status');
  let words = '';
  if (query) words = notes.length ? t('home.found', { count: notes.length, query }) : t('home.noMatch', { query });
  // A live region that stays in place (one shown and hidden is announced unreliably).
  if (status.textContent !== words) status.textContent = words;
}

function render() {
  renderName();
  const state = space?.state;
  // Why a directory person's notes are sealed is not an administrator's reset.
  const intro = $('sealed-intro');
  intro.dataset.i18n = directory ? 'space.sealedIntroDirectory' : 'space.sealedIntro';
  intro.textContent = t(intro.dataset.i18n);
  $('space-open').hidden = state !== 'open';
  $('space-closed').hidden = state !== 'closed';
  $('space-sealed').hidden = state !== 'sealed';
  renderCodesPrompt();
  if (state === 'open') renderList();
  $('done').hidden = !flash;
  $('done').textContent = flash ? t(flash) : '';
}

// The notes matching `query`, from Rust. Resolves false when the space turned out not to
// be open (locked elsewhere, a new run): the status is asked again and shown.
async function loadNotes() {
  try {
    notes = await api.notesList(query || null);
    $('error').hidden = true;
    return true;
  } catch (error) {
    if (error.code === 'PRIVATE_SPACE_SEALED') {
      space = await api.privateSpaceStatus();
      return false;
    }
    showPageError(error);
    notes = [];
    return false;
  }
}

// Where the space stands: written into the page by Rust, else asked as the page starts,
// beside the question of who is here rather than after it (a page that goes elsewhere, or
// finds nobody, ignores the answer).
const spaceWritten = written('space');
let spaceAsked = spaceWritten ? Promise.resolve(spaceWritten) : api.privateSpaceStatus();
spaceAsked.catch(() => {});

// Asks where the space stands and shows it (with the notes when it is open).
async function refresh() {
  const asked = spaceAsked ?? api.privateSpaceStatus();
  spaceAsked = null;
  space = await asked;
  if (space.state === 'open') await loadNotes();
  render();
}

// The field to focus for the space's state: the form that opens it, if any.
function firstField() {
  if (space?.state === 'closed') return $('open-password');
  if (space?.state === 'sealed') return $('unseal-code');
  return null;
}

// Once the space has opened: its notes, and the focus on the heading above them.
async function opened() {
  await refresh().catch((error) => showPageError(error));
  $('home-title').focus();
}

setupPasswordField('open-password', 'toggle-open-password', 'open-caps');

onSubmit($('open-form'), async () => {
  const form = $('open-form');
  clearErrors(form);
  flash = null;
  setBusy(form, true, 'space.opening');
  try {
    await api.privateSpaceOpen($('open-password').value);
    $('open-password').value = '';
    setBusy(form, false);
    await opened();
  } catch (error) {
    setBusy(form, false);
    $('open-password').value = '';
    if (error.code === 'PRIVATE_SPACE_SEALED') {
      // Sealed by a reset since: the forms that open it with a recovery code.
      await refresh().catch(() => {});
      $('unseal-code').focus();
      return;
    }
    const fields = { INVALID_CREDENTIALS: 'open-password', INVALID_PASSWORD: 'open-password' };
    showError(form, error, (code) => fields[code]);
  }
});

// New recovery codes (the old ones no longer open anything), shown once; then the notes.
function showNewCodes(codes) {
  flash = null;
  showCodes(codes, [$('space-sealed'), $('done')], opened);
}

onSubmit($('unseal-form'), async () => {
  const form = $('unseal-form');
  clearErrors(form);
  if (!$('unseal-code').value.trim()) {
    showFormError(form, 'space.noCode', 'unseal-code');
    return;
  }
  setBusy(form, true, 'space.opening');
  try {
    const codes = await api.privateSpaceUnseal($('unseal-code').value, $('unseal-password').value);
    form.reset();
    setBusy(form, false);
    showNewCodes(codes);
  } catch (error) {
    setBusy(form, false);
    $('unseal-password').value = '';
    if (error.code === 'INVALID_RECOVERY_CODE') {
      showFormError(form, 'space.wrongCode', 'unseal-code');
      return;
    }
    const fields = { INVALID_CREDENTIALS: 'unseal-password', INVALID_PASSWORD: 'unseal-password' };
    showError(form, error, (code) => fields[code]);
  }
});

onSubmit($('start-over-form'), async () => {
  const form = $('start-over-form');
  clearErrors(form);
  if (!$('start-over-confirm').checked) {
    showFormError(form, 'error.CONFIRMATION_REQUIRED', 'start-over-confirm');
    return;
  }
  setBusy(form, true, 'space.startingOver');
  try {
    const codes = await api.privateSpaceStartOver($('start-over-password').value, true);
    form.reset();
    setBusy(form, false);
    showNewCodes(codes);
  } catch (error) {
    setBusy(form, false);
    $('start-over-password').value = '';
    const fields = {
      INVALID_CREDENTIALS: 'start-over-password',
      INVALID_PASSWORD: 'start-over-password',
      CONFIRMATION_REQUIRED: 'start-over-confirm',
    };
    showError(form, error, (code) => fields[code]);
  }
});

onSubmit($('search-form'), async () => {
  const form = $('search-form');
  flash = null;
  query = $('search').value.trim();
  setBusy(form, true, 'home.searching');
  const open = await loadNotes();
  setBusy(form, false);
  render();
  if (!open) firstField()?.focus();
});

// Clearing the search box (its × button, or Escape) shows every note again.
$('search').addEventListener('search', () => {
  if ($('search').value === '' && query !== '') $('search-form').requestSubmit();
});

$('show-all').addEventListener('click', async () => {
  $('search').value = '';
  query = '';
  await loadNotes();
  render();
  $('search').focus();
});

$('switch-user').addEventListener('click', async () => {
  try {
    await api.switchUser();
    window.location.replace('login.html');
  } catch (error) {
    showPageError(error);
  }
});

$('logout').addEventListener('click', async () => {
  try {
    await whileBusy($('logout'), 'common.signingOut', () => api.logout());
  } catch (error) {
    showPageError(error);
  }
  window.location.replace('login.html');
});

startPage('home', 'signed-in', async (state) => {
  username = state.profile.username;
  directory = state.profile.directoryName !== null;
  flash = takeFlash();
  try {
    await refresh();
  } catch (error) {
    render();
    showPageError(error);
    return null;
  }
  document.addEventListener('latchkey:language', render);
  return firstField();
});
