// Minimal i18n: one JSON catalog per language, applied through data-i18n attributes.
// (Every key a page uses must be in both catalogs: tests/web/test_i18n_catalogs.py.)
//   data-i18n="key"              -> textContent
//   data-i18n-title="key"        -> title
//   data-i18n-aria-label="key"   -> aria-label
//   data-i18n-placeholder="key"  -> placeholder
// Technical terms (Learning Rate, Loss Function, Gradient Descent) stay English in both.

export const LANGUAGES = ["en", "id"];
const STORAGE_KEY = "lereng.lang";
const catalogs = {};
// One fetch per language however many modules ask: the shell and the lab both answer a
// language switch, and with two fetches the first to land set <html lang> while the lab's
// text was still in the old language.
const pending = {};
let current = "en";

export function preferredLanguage() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(saved)) return saved;
  } catch {
    // storage may be disabled; fall through to the browser's language
  }
  const nav = (navigator.languages && navigator.languages[0]) || navigator.language || "en";
  return nav.toLowerCase().startsWith("id") ? "id" : "en";
}

export async function loadLanguage(lang, version = "") {
  if (!catalogs[lang]) {
    if (!pending[lang]) {
      const url = new URL(`./i18n/${lang}.json`, import.meta.url);
      if (version) url.searchParams.set("v", version);
      pending[lang] = fetch(url)
        .then((response) => response.json())
        .finally(() => delete pending[lang]);
    }
    catalogs[lang] = await pending[lang];
  }
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not fatal
  }
  return lang;
}

export function language() {
  return current;
}

/** Look a key up in the current catalog (falling back to English, then the key itself);
 * {name} placeholders are filled from vars. */
export function t(key, vars = {}) {
  const text = (catalogs[current] && catalogs[current][key]) ?? (catalogs.en && catalogs.en[key]) ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function applyTranslations(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
}

/** True when the current (or English) catalog has `key`. */
export function hasKey(key) {
  return Boolean((catalogs[current] && key in catalogs[current]) || (catalogs.en && key in catalogs.en));
}

/**
 * Text the server writes in English (a surface's note, a hyperparameter's description): the
 * first of `keys` the current catalog has, else the English text itself. English pages always
 * show the server's words, so the catalogs cannot drift from them unnoticed (the catalog test
 * compares them).
 */
export function localText(english, ...keys) {
  if (current === "en") return english;
  const cat = catalogs[current] || {};
  const key = keys.find((k) => k && k in cat);
  return key ? cat[key] : english;
}

/**
 * A server refusal in the page's language. The server writes `message` (or `detail`) in English
 * and adds a stable `code` with its `params` (app/web/error_codes.py); English pages show the
 * server's sentence as is, other languages show `err.<code>` from their catalog, and any code
 * the catalog lacks falls back to the English sentence rather than to a bare key.
 */
export function errorText(err) {
  const message = String((err && (err.message ?? err.detail)) || "");
  if (!err || !err.code || current === "en") return message;
  const cat = catalogs[current] || {};
  const key = `err.${err.code}`;
  if (!(key in cat)) return message;
  const params = err.params && typeof err.params === "object" ? err.params : {};
  const text = t(key, params);
  return params.racer ? `${t("err.racer_prefix", params)} ${text}` : text;
}
