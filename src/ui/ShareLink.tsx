// Copy link: the address bar already holds the whole config, the hidden
// controls and the compared runs (src/share/url.ts); this copies it and
// shows it, for browsers that refuse the clipboard.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function ShareLink() {
  const { t } = useTranslation('common');
  const [shown, setShown] = useState<{ link: string; copied: boolean } | null>(null);
  const copy = async () => {
    const link = window.location.href;
    let copied = false;
    try {
      await navigator.clipboard.writeText(link);
      copied = true;
    } catch {
      copied = false; // No clipboard permission: the link is shown to copy by hand.
    }
    setShown({ link, copied });
  };
  return (
    <div className="share">
      <button type="button" data-testid="share.copy" onClick={() => void copy()} title={t('share.title')}>
        {t('share.copy')}
      </button>
      {shown && (
        <label className="share-link">
          <span role="status">{shown.copied ? t('share.copied') : t('share.copyThis')}</span>
          <input readOnly value={shown.link} data-testid="share.link" onFocus={(e) => e.target.select()} />
        </label>
      )}
    </div>
  );
}
