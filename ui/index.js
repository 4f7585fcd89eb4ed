import { api } from './api.js';

// Start-up routing: profile when signed in, sign-in otherwise.
api
  .session()
  .then((state) => window.location.replace(state.signedIn ? 'profile.html' : 'login.html'))
  .catch(() => window.location.replace('login.html'));
