// The words the window shows, from the catalogs in i18n/<language>.json, keyed by stable ids
// and by error code. Rust decides the language (the person's choice, else this OS account's,
// else the system's) and sends codes and parameters, never sentences for the window.
// Adding a language is adding its catalog.

import { written } from './written.js';

// The app's name, which the sentences say ({app}): Latchkey's, or the app the plugin serves
// these screens to (it writes its name into each page's <meta name="latchkey-app">).
const APP = document.querySelector('meta[name="latchkey-app"]')?.content || 'Latchkey';

let language = 'en';
let catalog = {};
let english = {};
const loaded = new Map();
// The language's formatters, made once per language (each first one costs ICU's setup).
let formatters = {};

// The catalogs Rust wrote into the page, if any (the first page's language and English).
const writtenWords = written('words') ?? {};

async function load(tag) {
  if (!loaded.has(tag)) {
    const words = writtenWords[tag];
    loaded.set(
      tag,
      words
        ? Promise.resolve(words)
        : fetch(`i18n/${tag}.json`)
            .then((response) => (response.ok ? response.json() : {}))
            .catch(() => ({})),
    );
  }
  return loaded.get(tag);
}

// The catalogs the first screen most likely needs are fetched while Rust answers who is
// here (which decides the language): English, and the browser engine's idea of the system's.
load('en');
load((navigator.language || 'en').split('-')[0].toLowerCase());

// Switches the page to `tag` and rewrites every marked element.
export async function useLanguage(tag) {
  const [en, chosen] = await Promise.all([load('en'), load(tag || 'en')]);
  english = en;
  catalog = chosen;
  language = Object.keys(chosen).length ? tag : 'en';
  formatters = {};
  document.documentElement.lang = language;
  apply(document);
  document.dispatchEvent(new CustomEvent('latchkey:language'));
}

export function currentLanguage() {
  return language;
}

function lookup(key, count) {
  let entry = catalog[key] ?? english[key];
  if (entry === undefined) return key;
  if (typeof entry === 'object') {
    formatters.plural ??= new Intl.PluralRules(language);
    const rule = formatters.plural.select(Number(count) || 0);
    entry = entry[rule] ?? entry.other ?? Object.values(entry)[0];
  }
  return String(entry);
}

function formatValue(value) {
  if (typeof value !== 'number') return String(value);
  formatters.number ??= new Intl.NumberFormat(language);
  return formatters.number.format(value);
}

// The sentence for `key`, with {name} placeholders filled from `params` (and plural forms
// chosen by `params.count`).
export function t(key, params = {}) {
  const values = { app: APP, ...params };
  return lookup(key, values.count).replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? formatValue(values[name]) : whole,
  );
}

// The sentence for `key` as DOM nodes, with placeholders replaced by the given nodes (for
// a name that must stay its own element): textContent only, never markup.
export function tNodes(key, nodes) {
  const parts = lookup(key, 0).split(/(\{\w+\})/);
  return parts
    .filter((part) => part !== '')
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name && nodes[name] ? nodes[name] : document.createTextNode(part);
    });
}

// Rewrites marked elements: data-i18n="key" sets the text; data-i18n-attr="attr:key;…"
// sets attributes.
export function apply(root) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of element.dataset.i18nAttr.split(';')) {
      const [attribute, key] = pair.split(':').map((s) => s.trim());
      if (attribute && key) element.setAttribute(attribute, t(key));
    }
  }
}

export function formatTime(ms) {
  if (typeof ms !== 'number') return t('common.never');
  formatters.time ??= new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' });
  return formatters.time.format(new Date(ms));
}

export function formatClock(ms) {
  formatters.clock ??= new Intl.DateTimeFormat(language, { timeStyle: 'short' });
  return formatters.clock.format(new Date(ms));
}

// The words for an error: its reason (which rule), else its code; waits count down by
// seconds or minutes.
export function messageFor(error) {
  if (error.code === 'TOO_MANY_ATTEMPTS') return waitMessage(error.retryAfterSecs);
  if (error.reason && (catalog[`reason.${error.reason}`] || english[`reason.${error.reason}`])) {
    return t(`reason.${error.reason}`);
  }
  const key = `error.${error.code}`;
  return catalog[key] || english[key] ? t(key) : t('error.INTERNAL');
}

export function waitMessage(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 1));
  return s >= 90
    ? t('error.TOO_MANY_ATTEMPTS.minutes', { count: Math.ceil(s / 60) })
    : t('error.TOO_MANY_ATTEMPTS', { count: s });
}
