// Vite plugin that keeps multi-threaded WASM working in a minified build.
// TF.js 4.22 starts each WASM thread (an Emscripten pthread worker) from a
// Blob holding `factory.toString()` of tfjs-backend-wasm-threaded-simd.js.
// That factory reads `_scriptDir`, a variable of the closure around it; the
// source guards it with `typeof _scriptDir !== "undefined"`, but the minifier
// renames it (to `e`) and, knowing it is declared, drops the typeof. In the
// thread's Blob there is no closure, so every thread throws
// "ReferenceError: e is not defined" and the run hangs. Turning the variable
// into a property of globalThis keeps its guard intact through minification
// (a property read never throws). Node never loads this file (it uses the
// package's node bundle), and the value is only a fallback script URL.
import type { Plugin } from 'vite';

const FILE = 'tfjs-backend-wasm-threaded-simd.js';
const PROPERTY = 'globalThis.__tfjsWasmScriptDir';

export function tfjsWasmThreads(): Plugin {
  return {
    name: 'tfjs-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!id.split('?')[0]!.endsWith(FILE)) return null;
      const declared = code.replace(/\bvar _scriptDir\s*=/, `${PROPERTY} =`);
      if (declared === code) this.error(`${FILE}: the _scriptDir declaration this plugin rewrites is gone; check the tfjs-backend-wasm version`);
      return { code: declared.replace(/\b_scriptDir\b/g, PROPERTY), map: null };
    },
  };
}
