// The house's rooms, checked: TF.js only where the engine runs, and no import
// cycles in src/ (docs: ARCHITECTURE.md).
import { describe, expect, it } from 'vitest';
import { findCycles, REPO_ROOT, sourceFiles, tfjsOutsideRooms, type SourceFile } from './testing/imports';

describe('the rooms of src/', () => {
  const files = sourceFiles(REPO_ROOT);

  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.find((f) => f.path === 'src/model/build.ts')?.specifiers).toContain('@tensorflow/tfjs');
  });

  it('imports @tensorflow/* only in model/, kernels/, train/, data/ and cli/', () => {
    expect(tfjsOutsideRooms(files)).toEqual([]);
  });

  it('would name a page file that imports TF.js', () => {
    const page: SourceFile = { path: 'src/ui/Chart.tsx', specifiers: ['react', '@tensorflow/tfjs'] };
    expect(tfjsOutsideRooms([...files, page])).toEqual(['src/ui/Chart.tsx imports @tensorflow/tfjs']);
  });

  it('keeps the pure rooms (config, share, protocol, arch, lessons) free of TF.js, React and i18next', () => {
    const pure = /^src\/(config|share|protocol|arch|lessons)\//;
    const framework = /^(@tensorflow\/|react($|-|\/)|i18next$)/;
    const found = files.filter((f) => pure.test(f.path) && !/\.test\.ts$/.test(f.path)).flatMap((f) => f.specifiers.filter((s) => framework.test(s)).map((s) => `${f.path} imports ${s}`));
    expect(found).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(findCycles(files).map((c) => c.join(' -> '))).toEqual([]);
  });

  it('would find a cycle, type-only imports included', () => {
    const a: SourceFile = { path: 'src/x/a.ts', specifiers: ['./b'] };
    const b: SourceFile = { path: 'src/x/b.ts', specifiers: ['../x/a'] };
    expect(findCycles([a, b])).toEqual([['src/x/a.ts', 'src/x/b.ts', 'src/x/a.ts']]);
  });
});
