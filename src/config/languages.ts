// The page's languages as one table: its name in itself and its direction.
// Pure TS: the URL codec reads `lang=` against it; src/i18n/i18n.ts loads the
// strings. Persian is the founding article's language.

export const LANGUAGES = {
  en: { name: 'English', dir: 'ltr' },
  fa: { name: 'فارسی', dir: 'rtl' },
} as const;

export type Language = keyof typeof LANGUAGES;

export function isLanguage(value: string): value is Language {
  return Object.hasOwn(LANGUAGES, value);
}
