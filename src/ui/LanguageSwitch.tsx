// The language switch: English or Persian, each named in itself (two
// buttons, not a select: a phone shows no control before Train); the choice
// goes into the link (`lang=fa`) and is remembered on this machine.
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n/i18n';
import { LANGUAGES, type Language } from '../config/languages';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation('common');
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {(Object.keys(LANGUAGES) as Language[]).map((id) => (
        <button key={id} type="button" lang={id} data-testid={`lang.${id}`} aria-pressed={i18n.language === id} onClick={() => void setLanguage(id)}>
          {LANGUAGES[id].name}
        </button>
      ))}
    </div>
  );
}
