// The page's strings: i18next (with react-i18next's useTranslation in the
// components), one JSON file per namespace and language under locales/
// (locales/en/controls.json, locales/fa/controls.json ...), English the
// fallback. The language comes from `lang=` in the link, else the last one
// chosen on this machine, else English; choosing one sets <html lang dir>.
// Numbers and charts stay left-to-right in Persian (styles.css).
import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLanguage, LANGUAGES, type Language } from '../config/languages';

/** Every locales/LANG/NS.json, found at build time. */
const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });

/** The resources in i18next's shape, { en: { controls: {...} }, fa: {...} }. */
export function resources(): Resource {
  const out: Resource = {};
  for (const [path, mod] of Object.entries(files)) {
    const match = /\.\/locales\/([a-z]+)\/([A-Za-z0-9-]+)\.json$/.exec(path);
    if (!match) continue;
    const [, lang = '', ns = ''] = match;
    (out[lang] ??= {})[ns] = mod.default;
  }
  return out;
}

/** The namespaces the English files define. */
export function namespaces(): string[] {
  return Object.keys(resources().en ?? {});
}

const STORAGE_KEY = 'playground.lang';

/** The language chosen last on this machine, if any (storage may be refused). */
function storedLanguage(): Language | undefined {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY) ?? '';
    return isLanguage(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Sets <html lang dir> for `lang` (screen readers, the layout's direction). */
function applyToDocument(lang: Language): void {
  if (typeof document === 'undefined') return;
  document.documentElement.lang = lang;
  document.documentElement.dir = LANGUAGES[lang].dir;
}

/** Starts i18next in `lang` (the link's), else the stored language, else English. */
export async function initI18n(lang?: Language): Promise<Language> {
  const chosen = lang ?? storedLanguage() ?? 'en';
  await i18next.use(initReactI18next).init({
    resources: resources(),
    lng: chosen,
    fallbackLng: 'en',
    ns: namespaces(),
    defaultNS: 'common',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    // A key in neither language is a bug: said where tests listen (the e2e suites fail on console errors).
    parseMissingKeyHandler: (key: string) => {
      console.error(`i18n: no text for the key "${key}"`);
      return key;
    },
  });
  applyToDocument(chosen);
  return chosen;
}

/** Switches the page's language and remembers it on this machine. */
export async function setLanguage(lang: Language): Promise<void> {
  await i18next.changeLanguage(lang);
  applyToDocument(lang);
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // Storage refused: the choice lasts for this page only.
  }
}

export function currentLanguage(): Language {
  const l = i18next.language;
  return isLanguage(l) ? l : 'en';
}

export { i18next };
