// The data table behind a chart (accessibility: every chart has one), in a
// <details>. Its rows are rendered only while it is open: closed, a chart
// redrawn ten times a second does not also rebuild a table nobody reads.
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function DataTable({ summary, children }: { summary?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation('data');
  const [open, setOpen] = useState(false);
  return (
    <details className="data-table" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{summary ?? t('dataTable.summary')}</summary>
      {open && children}
    </details>
  );
}
