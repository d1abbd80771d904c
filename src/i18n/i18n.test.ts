// Every string the page shows is in both languages: the Persian files have
// exactly the English keys, none empty, with the same {{placeholders}}; and
// no component under src/ui shows text that bypasses the files (JSX text or
// a label, help, title, placeholder or aria-label written in the code).
import { parse } from '@babel/parser';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namespaces, resources } from './i18n';
import { LANGUAGES } from '../config/languages';

type Tree = { [key: string]: string | Tree };

/** 'a.b.c' → value for every leaf of a nested resource. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const res = resources() as unknown as Record<string, Record<string, Tree>>;

  it('every language has every namespace', () => {
    for (const lang of Object.keys(LANGUAGES)) expect(Object.keys(res[lang] ?? {}).sort(), lang).toEqual(namespaces().sort());
  });

  for (const ns of namespaces()) {
    it(`${ns}: Persian has exactly the English keys, none empty, the same placeholders`, () => {
      const en = leaves(res.en![ns]!);
      const fa = leaves(res.fa?.[ns] ?? {});
      expect([...en.keys()].filter((k) => !fa.has(k)), 'untranslated keys').toEqual([]);
      expect([...fa.keys()].filter((k) => !en.has(k)), 'keys English lacks').toEqual([]);
      for (const [k, v] of [...en, ...fa]) expect(v.trim(), `${ns}:${k} is empty`).not.toBe('');
      for (const [k, v] of en) expect(placeholders(fa.get(k) ?? ''), `${ns}:${k}`).toEqual(placeholders(v));
    });
  }
});

/** Every .tsx file under src/ui. */
function components(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? components(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : []));
}

/** Attributes whose value a person reads. */
const READ_ATTRIBUTES = new Set(['label', 'help', 'title', 'placeholder', 'aria-label', 'alt', 'text', 'caption', 'summary', 'legend', 'heading']);
/** Two letters in a row: words, not symbols, units of one letter or numbers. */
const WORDS = /\p{L}{2,}/u;

type Node = { type: string; [key: string]: unknown };

/** Text a person would read that is written in the component rather than taken from the files: 'file:line: text'. */
function hardCoded(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const ast = parse(source, { sourceType: 'module', plugins: ['typescript', 'jsx'] }) as unknown as Node;
  const found: string[] = [];
  const at = (n: Node, text: string) => found.push(`${relative(process.cwd(), file)}:${(n.loc as { start: { line: number } }).start.line}: ${text.trim().slice(0, 60)}`);
  const visit = (n: unknown, parent?: Node): void => {
    if (Array.isArray(n)) return n.forEach((c) => visit(c, parent));
    if (!n || typeof n !== 'object' || typeof (n as Node).type !== 'string') return;
    const node = n as Node;
    if (node.type === 'JSXText' && WORDS.test(String(node.value))) at(node, String(node.value));
    if (node.type === 'JSXAttribute') {
      const name = (node.name as Node).name as string;
      const value = node.value as Node | null;
      if (READ_ATTRIBUTES.has(name) && value?.type === 'StringLiteral' && WORDS.test(String(value.value))) at(node, String(value.value));
    }
    if (node.type === 'JSXExpressionContainer' && parent?.type === 'JSXElement') {
      const e = node.expression as Node;
      if (e.type === 'StringLiteral' && WORDS.test(String(e.value))) at(node, String(e.value));
      if (e.type === 'TemplateLiteral' && (e.quasis as Node[]).some((q) => WORDS.test(String((q.value as { cooked: string }).cooked)))) at(node, 'a template literal');
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'loc' && k !== 'start' && k !== 'end') visit(v, node);
  };
  visit(ast);
  return found;
}

describe('no hard-coded text in the components', () => {
  it('src/ui: every string a person reads comes from the translation files', () => {
    const found = components(join(process.cwd(), 'src/ui')).flatMap(hardCoded);
    expect(found).toEqual([]);
  });
});
