// Copy link: the address bar already holds the whole config, the hidden
// controls and the compared runs (src/share/url.ts); this copies it and
// shows it, for browsers that refuse the clipboard.
import { useState } from 'react';

export function ShareLink() {
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
      <button type="button" data-testid="share.copy" onClick={() => void copy()} title="Copy a link that opens this page with this config and the compared runs">
        Copy link
      </button>
      {shown && (
        <label className="share-link">
          <span role="status">{shown.copied ? 'Link copied:' : 'Copy this link:'}</span>
          <input readOnly value={shown.link} data-testid="share.link" onFocus={(e) => e.target.select()} />
        </label>
      )}
    </div>
  );
}
