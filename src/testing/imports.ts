// The import graph of src/, read from the source text (static imports and
// re-exports, type-only ones included, and dynamic import() of a literal),
// for the structure tests. Test-only; Node's fs.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface SourceFile {
  /** Path relative to the repository root, e.g. 'src/arch/arch.ts'. */
  path: string;
  /** Every module specifier it imports, as written. */
  specifiers: string[];
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return /\.(ts|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Every .ts/.tsx file under `dir` (relative to `root`) with its specifiers. */
export function sourceFiles(root: string, dir = 'src'): SourceFile[] {
  return walk(join(root, dir)).map((abs) => {
    const text = readFileSync(abs, 'utf8');
    const specifiers = [...text.matchAll(SPECIFIER)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
    return { path: relative(root, abs), specifiers };
  });
}

/** A relative specifier of `from` resolved to a file among `known`; null for packages and assets. */
export function resolveSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = join(dirname(from), specifier.replace(/\?.*$/, ''));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) if (known.has(candidate)) return candidate;
  return null;
}

/** Every cycle of the graph, each once, as the list of files around it. */
export function findCycles(files: readonly SourceFile[]): string[][] {
  const known = new Set(files.map((f) => f.path));
  const edges = new Map(files.map((f) => [f.path, f.specifiers.map((s) => resolveSpecifier(f.path, s, known)).filter((p): p is string => p !== null)]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const f of [...known].sort()) if (!state.has(f)) visit(f);
  return cycles;
}

/** The folders of src/ that may import @tensorflow/*; the page's folders (ui, state, config, share, protocol, arch) may not. */
const TFJS_ROOMS = ['src/model/', 'src/kernels/', 'src/train/', 'src/data/', 'src/cli/'];

export function tfjsOutsideRooms(files: readonly SourceFile[]): string[] {
  return files
    .filter((f) => !TFJS_ROOMS.some((room) => f.path.startsWith(room)))
    .flatMap((f) => f.specifiers.filter((s) => s.startsWith('@tensorflow/')).map((s) => `${f.path} imports ${s}`));
}

export const REPO_ROOT = resolve(dirname(new URL(import.meta.url).pathname), '../..');
