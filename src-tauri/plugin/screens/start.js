// The first script of every signed-out screen: a classic script, so that it runs while the
// document is still being parsed, long before the page's modules arrive.
// - The window opens on the page Rust picks from its first-screen hint (the home when
//   someone was kept signed in): `?here=nobody` on the first sign-in screen of a run says
//   nobody was. Without it (no hint yet) the screen waits for Rust's answer, so that it
//   never shows a form that must go away.
// - When nobody is at the keyboard in this run (that, or page.js's record of Rust's last
//   answer) and the language last shown is the system's (or the system asks for none), the
//   screen may be drawn before Rust answers: `data-early` on <html> names that language for
//   page.js, and the language picker is filled from the list last shown. None of these
//   hints is a secret, and none decides anything: the screen still asks Rust who is here.
// - When that language is the one the page is written in (English), the screen is drawn
//   here, the moment the document is parsed: shown, its first field focused, and the app
//   told it is ready for input. A submit that comes before the page's modules have wired
//   the form is held (never sent as a navigation) and carried out once they have
//   (`onSubmit` in forms.js).
(() => {
  const root = document.documentElement;
  let early;
  try {
    if (!sessionStorage.getItem('latchkey.started')) {
      sessionStorage.setItem('latchkey.started', '1');
      if (new URLSearchParams(window.location.search).get('here') === 'nobody') {
        sessionStorage.setItem('latchkey.here', 'nobody');
      }
    }
    const language = localStorage.getItem('latchkey.language');
    // "C" and "POSIX" ask for no language (as in Rust): the one last shown stands.
    const system = (navigator.language || '').split('-')[0].toLowerCase();
    const asked = ['', 'c', 'posix'].includes(system) ? language : system;
    if (sessionStorage.getItem('latchkey.here') !== 'nobody' || !language || language !== asked) return;
    early = { language, languages: JSON.parse(localStorage.getItem('latchkey.languages') || '[]') };
  } catch {
    return; // No storage: the screen waits for Rust.
  }
  root.dataset.early = early.language;

  function fillLanguages() {
    const select = document.getElementById('language');
    if (!select || early.languages.length < 2) return;
    for (const { tag, name } of early.languages) {
      const option = new Option(name, tag, false, tag === early.language);
      option.lang = tag;
      select.add(option);
    }
    select.disabled = true; // until page.js listens to it
    document.getElementById('language-row').hidden = false;
  }

  // Enter that confirms an input method's composition is not a submit (as in forms.js).
  let composing = false;
  document.addEventListener('compositionstart', () => (composing = true), true);
  document.addEventListener('compositionend', () => (composing = false), true);

  function hold(event) {
    if (event.target.dataset.wired) return;
    event.preventDefault();
    if (!composing) event.target.dataset.held = 'true';
  }

  function draw() {
    fillLanguages();
    if (early.language !== root.lang) return; // page.js draws it once its catalog is in
    document.addEventListener('submit', hold, true);
    document.body.classList.remove('routing');
    document.querySelector('main form:not([hidden]) input')?.focus();
    root.dataset.drawn = 'true';
    // The same payload as announceReady's in api.js (which this classic script cannot import).
    const navigation = performance.getEntriesByType('navigation')[0];
    const at = {
      response: Math.round(navigation?.responseEnd ?? 0),
      parsed: Math.round(navigation?.domInteractive ?? 0),
      ready: Math.round(performance.now()),
      origin: Math.round(performance.timeOrigin),
    };
    const page = window.location.pathname.split('/').pop().replace(/\.html$/, '');
    window.__TAURI__?.event?.emit('latchkey://ready', { page, at }).catch(() => {});
  }

  // Ready means styled, as for a page module (which runs only once the stylesheet is in).
  function whenStyled() {
    const link = document.querySelector('link[rel="stylesheet"]');
    if (!link || link.sheet) return draw();
    link.addEventListener('load', draw, { once: true });
    link.addEventListener('error', draw, { once: true });
  }

  // The first change of readiness is to "interactive": the document is parsed, the page's
  // deferred modules have not run yet.
  document.addEventListener('readystatechange', whenStyled, { once: true });
})();
