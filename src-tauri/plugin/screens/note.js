// One note of the person at the keyboard: `note.html?id=…` edits it, `note.html` writes a
// new one. Saving or deleting goes back to the notes (home.html), which says it was done.
// When the private space is not open (a new run, a reset), home.html shows how to open it.

import { api } from './api.js';
import { formatTime, t } from './i18n.js';
import { $, startPage } from './page.js';
import { clearErrors, onSubmit, setBusy, showError, showPageError, whileBusy } from './forms.js';

const id = new URLSearchParams(window.location.search).get('id') || null;
// Each error on the field it is about.
const FIELDS = { INVALID_VALUE_NAME: 'note-title', VALUE_TOO_LARGE: 'note-body' };

let note = null; // the note as loaded (null for a new one)

function home(flash) {
  try {
    if (flash) sessionStorage.setItem('latchkey.flash', flash);
  } catch {
    // No storage: home.html says nothing.
  }
  window.location.replace('home.html');
}

function render() {
  document.title = t(id ? 'note.editPageTitle' : 'note.newPageTitle');
  $('note-heading').textContent = t(id ? 'note.editTitle' : 'note.newTitle');
  $('note-changed').textContent = note ? t('home.lastChanged', { time: formatTime(note.updatedAt) }) : '';
  $('note-changed').hidden = !note;
}

onSubmit($('note-form'), async () => {
  const form = $('note-form');
  clearErrors(form);
  setBusy(form, true, 'note.saving');
  try {
    await api.noteSave(id, $('note-title').value, $('note-body').value);
    home('saved');
  } catch (error) {
    setBusy(form, false);
    if (error.code === 'PRIVATE_SPACE_SEALED') {
      home();
      return;
    }
    showError(form, error, (code) => FIELDS[code]);
  }
});

// Delete asks once more, in place: "Yes, delete" or Cancel (and Escape cancels).
function askToDelete(asking) {
  $('delete-note').hidden = asking;
  $('delete-confirm').hidden = !asking;
  if (asking) $('delete-question').focus();
  else $('delete-note').focus();
}

$('delete-note').addEventListener('click', () => askToDelete(true));
$('delete-cancel').addEventListener('click', () => askToDelete(false));
$('delete-confirm').addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !$('delete-yes').disabled) {
    event.preventDefault();
    askToDelete(false);
  }
});

$('delete-yes').addEventListener('click', async () => {
  $('delete-error').hidden = true;
  try {
    await whileBusy($('delete-yes'), 'note.deleting', () => api.noteDelete(id));
    home('deleted');
  } catch (error) {
    if (error.code === 'PRIVATE_SPACE_SEALED') {
      home();
      return;
    }
    showPageError(error, $('delete-error'));
  }
});

startPage('note', 'signed-in', async () => {
  render();
  document.addEventListener('latchkey:language', render);
  if (!id) return $('note-title');
  try {
    note = await api.noteGet(id);
  } catch (error) {
    if (error.code === 'PRIVATE_SPACE_SEALED') {
      home();
      return null;
    }
    // Gone (deleted), or cannot be opened: said, with the way back.
    $('note-form').hidden = true;
    showPageError(error);
    return $('back-link');
  }
  $('note-title').value = note.title;
  $('note-body').value = note.body ?? '';
  $('delete-area').hidden = false;
  render();
  return $('note-title');
});
