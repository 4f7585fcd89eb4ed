// Focus in the field, then tell the app the page is ready, with the same timings Latchkey's
// pages send (milliseconds since the page's navigation began).
document.getElementById('username').focus();
const navigation = performance.getEntriesByType('navigation')[0];
const at = {
  response: Math.round(navigation?.responseEnd ?? 0),
  parsed: Math.round(navigation?.domInteractive ?? 0),
  ready: Math.round(performance.now()),
  origin: Math.round(performance.timeOrigin),
};
window.__TAURI__.event.emit('latchkey://ready', { page: 'empty', at });
