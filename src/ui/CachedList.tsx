// What a browser cache holds, as the data and weights panels list it: a line
// each, or a sentence saying it holds nothing.
import type { ReactNode } from 'react';

export function CachedList<T>({ items, empty, render }: { items: readonly T[]; empty: string; render(item: T): ReactNode }) {
  if (items.length === 0) return <small className="field-help">{empty}</small>;
  return <ul className="cache-list">{items.map(render)}</ul>;
}
