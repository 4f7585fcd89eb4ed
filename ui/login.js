import { api } from './api.js';
import { $, leaveIfSignedIn, setupPasswordField, wireCredentialsForm } from './forms.js';

setupPasswordField();
wireCredentialsForm($('login-form'), 'Signing in…', api.login);
leaveIfSignedIn(api).then((left) => {
  if (!left) $('username').focus();
});
