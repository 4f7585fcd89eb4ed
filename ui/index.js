import { api, homeFor } from './api.js';

// Start-up routing: profile when signed in, sign-in otherwise.
api
  .session()
  .then((state) => window.location.replace(state.signedIn ? homeFor(state.profile) : 'login.html'))
  .catch(() => window.location.replace('login.html'));
