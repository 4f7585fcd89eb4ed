import * as latchkey from './latchkey.js';

const $ = (id) => document.getElementById(id);
// Nobody signed in, or locked: Latchkey's screens decide what to show.
const toScreens = () => window.location.replace(latchkey.screenUrl());

async function show() {
  const state = await latchkey.session();
  if (!state.signedIn || state.locked) return toScreens();
  $('name').textContent = state.profile.username;
  $('count').textContent = String(Number(await latchkey.privateGet('tally')) || 0);
  document.body.dataset.ready = 'true';
}

$('add').addEventListener('click', async () => {
  const next = (Number($('count').textContent) || 0) + 1;
  await latchkey.privatePut('tally', next);
  $('count').textContent = String(next);
});
$('lock').addEventListener('click', () => latchkey.lock().finally(toScreens));
$('settings').href = latchkey.screenUrl('profile');
latchkey.onLocked(toScreens);
latchkey.reportActivity();
show().catch(toScreens);
