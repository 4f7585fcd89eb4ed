// Asks Rust who is here the moment it is fetched: a classic `async` script in every page's
// head, so that the question overlaps the loading of the page's module instead of waiting
// for it. page.js (`session()` in api.js) takes this answer; when this script has not run,
// or its question failed, the page asks again through the bindings, which word the error.
// The answer is the same one the page would get (profiles and states, never a token).
(() => {
  const core = window.__TAURI__?.core;
  // Not when the page's module ran first and asked itself (it left `null` here), nor when
  // Rust wrote the answer into the page.
  if (!core || window.latchkeyAsked !== undefined) return;
  if (document.getElementById('latchkey-first-answers')) return;
  const asked = core.invoke('plugin:latchkey|session');
  asked.catch(() => {}); // handled where it is taken
  window.latchkeyAsked = asked;
})();
