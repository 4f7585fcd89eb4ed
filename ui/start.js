// The first screen of a run. When someone was kept signed in as the last run ended, the
// window goes straight to the profile instead of loading the sign-in screen first; else
// nobody is here, and the sign-in screen may draw itself before Rust answers (page.js). A hint
// only (where the window opened is no secret): the profile still asks Rust who is here and
// comes back to the sign-in screen when nobody is. Later visits to the sign-in screen in
// the same run never jump.
(() => {
  try {
    if (sessionStorage.getItem('latchkey.started')) return;
    sessionStorage.setItem('latchkey.started', '1');
    if (localStorage.getItem('latchkey.start') === 'profile') window.location.replace('profile.html');
    // Nobody kept signed in: nobody is here at the start of a run.
    else sessionStorage.setItem('latchkey.here', 'nobody');
  } catch {
    // No storage: start on the sign-in screen.
  }
})();
