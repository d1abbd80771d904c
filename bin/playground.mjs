#!/usr/bin/env node
// `npx playground ...`: runs the TypeScript CLI in src/cli through tsx, so the
// CLI and the browser worker share the same engine source.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
