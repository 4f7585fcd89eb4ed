import { homeFor, session } from './api.js';

// Start-up routing: the lock screen, the person's notes (home), or the sign-in screen.
session()
  .then((state) => {
    if (state.locked) window.location.replace('lock.html');
    else window.location.replace(state.signedIn ? homeFor(state.profile) : 'login.html');
  })
  .catch(() => window.location.replace('login.html'));
