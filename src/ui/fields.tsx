// Labelled form fields: every control has a visible label, a line of help,
// and a dotted test id. A number is committed only when valid; otherwise the
// field says why and the config keeps its last good value.
import { useEffect, useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatValue } from '../config/format';
import { checkNumber, type ListField as ListPath, type NumericField } from '../config/validate';
import { fieldByPath, parseValue, type Field } from '../share/fields';
import type { ConfigPath } from '../share/url';
import { useStore } from '../state/store';

/** Whether lesson mode (hide= in the URL) hides the control for this Config path. */
function useHidden(path: ConfigPath | undefined): boolean {
  return useStore((s) => path !== undefined && s.hidden.includes(path));
}

interface FieldProps {
  label: string;
  help: string;
  testId: string;
  children: (id: string, describedBy: string) => ReactNode;
  error?: string | undefined;
}

function Field({ label, help, testId, children, error }: FieldProps) {
  const id = useId();
  const helpId = `${id}-help`;
  return (
    <div className="field" data-testid={`${testId}.field`}>
      <label htmlFor={id}>{label}</label>
      {children(id, helpId)}
      <small id={helpId} className={error ? 'field-error' : 'field-help'}>
        {error ?? help}
      </small>
    </div>
  );
}

export function NumberField(props: { label: string; help: string; testId: string; field: NumericField; value: number; step?: number; onChange(v: number): void }) {
  const [text, setText] = useState(String(props.value));
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setText(String(props.value)), [props.value]);
  const hidden = useHidden(props.field);
  const commit = (raw: string) => {
    const v = raw.trim() === '' ? NaN : Number(raw);
    const message = checkNumber(props.field, v);
    setError(message);
    if (!message && v !== props.value) props.onChange(v);
  };
  if (hidden) return null;
  return (
    <Field label={props.label} help={props.help} testId={props.testId} error={error}>
      {(id, describedBy) => (
        <input
          id={id}
          type="number"
          inputMode="decimal"
          data-testid={props.testId}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          value={text}
          step={props.step ?? 'any'}
          onChange={(e) => {
            setText(e.target.value);
            commit(e.target.value);
          }}
        />
      )}
    </Field>
  );
}

export function SelectField<T extends string>(props: { label: string; help: string; testId: string; path?: ConfigPath; value: T; options: readonly { value: T; label: string }[]; onChange(v: T): void }) {
  if (useHidden(props.path)) return null;
  return (
    <Field label={props.label} help={props.help} testId={props.testId}>
      {(id, describedBy) => (
        <select id={id} data-testid={props.testId} aria-describedby={describedBy} value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function ToggleField(props: { label: string; help: string; testId: string; path?: ConfigPath; value: boolean; onChange(v: boolean): void }) {
  const id = useId();
  if (useHidden(props.path)) return null;
  return (
    <div className="field toggle" data-testid={`${props.testId}.field`}>
      <input id={id} type="checkbox" role="switch" data-testid={props.testId} aria-describedby={`${id}-help`} checked={props.value} onChange={(e) => props.onChange(e.target.checked)} />
      <label htmlFor={id}>{props.label}</label>
      <small id={`${id}-help`} className="field-help">
        {props.help}
      </small>
    </div>
  );
}

/** A list of whole numbers typed as '3-4-6-3' (the URL's form); committed only when valid. */
export function ListField(props: { label: string; help: string; testId: string; field: ListPath; value: readonly number[]; onChange(v: number[]): void }) {
  const { t } = useTranslation('controls');
  const shown = formatValue(props.value);
  const [text, setText] = useState(shown);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setText(shown), [shown]);
  if (useHidden(props.field)) return null;
  const commit = (raw: string) => {
    // Read as the URL reads the field (src/share/fields.ts).
    const result = parseValue(fieldByPath(props.field) as Field, raw.trim());
    setError('value' in result ? undefined : 'expected' in result ? t('list.mustBe', { field: props.field, expected: result.expected }) : result.message);
    if ('value' in result && formatValue(result.value) !== shown) props.onChange(result.value as number[]);
  };
  return (
    <Field label={props.label} help={props.help} testId={props.testId} error={error}>
      {(id, describedBy) => (
        <input id={id} type="text" inputMode="numeric" data-testid={props.testId} aria-describedby={describedBy} aria-invalid={error ? true : undefined} value={text} onChange={(e) => { setText(e.target.value); commit(e.target.value); }} />
      )}
    </Field>
  );
}
