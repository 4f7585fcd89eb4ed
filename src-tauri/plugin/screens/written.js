// What Rust wrote into the window's first page as it served it (the plugin's
// first_answers.rs): the answers to `session` and `private_space_status` ("session",
// "space") and the catalogs of the page's language and of English ("words"), in one JSON
// data block that is read, never run. Each part is taken once; other pages have none and
// ask Rust (or fetch the catalogs) as usual.

const parts = (() => {
  const block = document.getElementById('latchkey-first-answers');
  if (!block) return {};
  block.remove();
  window.latchkeyAsked = null; // nothing for ask.js to ask
  try {
    return JSON.parse(block.textContent) ?? {};
  } catch {
    return {};
  }
})();

// One part of what was written (taken once), or null.
export function written(name) {
  const part = parts[name] ?? null;
  delete parts[name];
  return part;
}
