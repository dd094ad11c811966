/**
 * The Rust `ebur128` crate compiled to WebAssembly (npm `ebur128-wasm@3`), loaded by hand.
 *
 * The package is bundler-only (no `main`/`exports`, `import * as wasm from '….wasm'`), so
 * plain Node and worker threads cannot import it. Its four measuring functions only need a
 * `malloc` and a copy into WASM memory, so this module instantiates the .wasm itself and
 * talks to those exports directly; the package's JS glue is not used at all.
 *
 * Facts this relies on (pinned by tests):
 * - the functions take whole buffers and take ownership of them (WASM memory stays flat
 *   across calls); there is no streaming API and no loudness-range function;
 * - `ebur128_true_peak_*` return dBTP already (−Infinity for digital silence), not the
 *   Float64Array the package README claims;
 * - the imports exist only to report a Rust panic; a panic traps, after which the instance
 *   is dropped and the next call gets a fresh one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The slice of the WebAssembly JS API used here. Node has it at run time, but the project's
 * Node type-check (ES2023 lib, no DOM) declares no WebAssembly types, so they are stated here.
 */
interface WasmModule {
  readonly __wasmModule: unique symbol;
}
type WasmImports = Record<string, Record<string, (...args: number[]) => number | undefined>>;
interface WasmApi {
  Module: { new (bytes: Uint8Array): WasmModule; imports(m: WasmModule): Array<{ module: string; name: string }> };
  Instance: new (m: WasmModule, imports: WasmImports) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer };
  __wbindgen_malloc(size: number): number;
  ebur128_integrated_mono(rate: number, p: number, n: number): number;
  ebur128_integrated_stereo(rate: number, pl: number, nl: number, pr: number, nr: number): number;
  ebur128_true_peak_mono(rate: number, p: number, n: number): number;
  ebur128_true_peak_stereo(rate: number, pl: number, nl: number, pr: number, nr: number): number;
}

const REQUIRED = [
  'memory',
  '__wbindgen_malloc',
  'ebur128_integrated_mono',
  'ebur128_integrated_stereo',
  'ebur128_true_peak_mono',
  'ebur128_true_peak_stereo',
] as const;

/**
 * The one version this loader was written and tested against (package.json pins it exactly).
 * Another version may pass different arguments or expect other imports, so it is refused with
 * a plain message rather than measured wrongly; `ebur128-adapter.test.ts` pins the rest.
 */
export const EBUR128_WASM_VERSION = '3.0.0';

let compiled: WasmModule | null = null;
let instance: Exports | null = null;
/** The last message a Rust panic printed, kept for the error we throw after the trap. */
let lastPanic = '';

function wasmModule(): WasmModule {
  if (!compiled) {
    const require = createRequire(import.meta.url);
    const installed = (require('ebur128-wasm/package.json') as { version?: unknown }).version;
    if (installed !== EBUR128_WASM_VERSION) {
      throw new Error(
        `ebur128-wasm ${String(installed)} is installed but Stillroom's loader is written for ${EBUR128_WASM_VERSION}; reinstall with npm ci`,
      );
    }
    const file = require.resolve('ebur128-wasm/ebur128_wasm_bg.wasm');
    compiled = new WA.Module(readFileSync(file));
  }
  return compiled;
}

/** Import functions, matched by prefix because wasm-bindgen adds a build hash to their names. */
function importsFor(mod: WasmModule, exportsOf: () => Exports): WasmImports {
  const table: WasmImports = {};
  const text = (ptr: number, len: number) => new TextDecoder().decode(new Uint8Array(exportsOf().memory.buffer, ptr, len));
  for (const imp of WA.Module.imports(mod)) {
    const name = imp.name;
    let fn: (...a: number[]) => number | undefined;
    if (name.startsWith('__wbg_new_')) {
      // Rust creates a JS Error to read its stack; it only ever hands the handle back to us.
      fn = () => 0;
    } else if (name.startsWith('__wbg_stack_')) {
      // Rust asks for the JS stack of an Error it created: hand it a one-byte string it owns.
      fn = (retPtr = 0) => {
        const w = exportsOf();
        const ptr = w.__wbindgen_malloc(1);
        new Uint8Array(w.memory.buffer, ptr, 1)[0] = 0x3f; // '?'
        const view = new Int32Array(w.memory.buffer);
        view[retPtr / 4] = ptr;
        view[retPtr / 4 + 1] = 1;
        return undefined;
      };
    } else if (name.startsWith('__wbg_error_')) {
      fn = (ptr = 0, len = 0) => {
        lastPanic = len > 0 ? text(ptr, len) : 'panic';
        return undefined;
      };
    } else if (name === '__wbindgen_object_drop_ref') {
      fn = () => undefined;
    } else {
      throw new Error(`ebur128-wasm needs an import Stillroom does not provide (${imp.module}.${name}); its version changed`);
    }
    const forModule = table[imp.module] ?? {};
    forModule[name] = fn;
    table[imp.module] = forModule;
  }
  return table;
}

function wasm(): Exports {
  if (instance) return instance;
  const mod = wasmModule();
  let exports: Record<string, unknown> | null = null;
  const inst = new WA.Instance(
    mod,
    importsFor(mod, () => exports as unknown as Exports),
  );
  exports = inst.exports;
  for (const key of REQUIRED) {
    if (!(key in exports)) throw new Error(`ebur128-wasm lacks the export ${key}; its version changed`);
  }
  instance = exports as unknown as Exports;
  return instance;
}

function put(w: Exports, samples: Float32Array): number {
  const ptr = w.__wbindgen_malloc(samples.length * 4);
  new Float32Array(w.memory.buffer, ptr, samples.length).set(samples);
  return ptr;
}

function call<T>(fn: (w: Exports) => T): T {
  const w = wasm();
  try {
    return fn(w);
  } catch (err) {
    // A trap leaves the allocator in an unknown state: start over next time.
    instance = null;
    const why = lastPanic || (err as Error).message;
    lastPanic = '';
    throw new Error(`the loudness meter failed (${why})`);
  }
}

/**
 * True peak (dBTP) of whole channels, by the crate's 4× (2× at ≥ 96 kHz) oversampling. Production
 * uses the streaming copy of the same filter in `true-peak.ts`; this is the reference the tests
 * hold it to.
 */
export function truePeakDbtp(sampleRate: number, channels: readonly Float32Array[]): number {
  return call((w) => {
    let peak = Number.NEGATIVE_INFINITY;
    // The crate offers mono and stereo only; wider files are measured in pairs (the max is the same).
    for (let c = 0; c < channels.length; c += 2) {
      const a = channels[c] as Float32Array;
      const b = channels[c + 1];
      const p = b
        ? w.ebur128_true_peak_stereo(sampleRate, put(w, a), a.length, put(w, b), b.length)
        : w.ebur128_true_peak_mono(sampleRate, put(w, a), a.length);
      if (p > peak) peak = p;
    }
    return peak;
  });
}

/**
 * Integrated loudness (LUFS) of a whole mono or stereo buffer. Needs the whole track in
 * memory twice (JS and WASM copies), so production uses the streaming meter in `meter.ts`;
 * this is the independent reference the tests and the benchmark compare it with.
 */
export function integratedLufsWhole(sampleRate: number, channels: readonly Float32Array[]): number {
  return call((w) => {
    const [a, b] = channels;
    if (!a || channels.length > 2) throw new Error('integratedLufsWhole takes one or two channels');
    return b
      ? w.ebur128_integrated_stereo(sampleRate, put(w, a), a.length, put(w, b), b.length)
      : w.ebur128_integrated_mono(sampleRate, put(w, a), a.length);
  });
}

/** Current size of the WASM memory in bytes (it only ever grows), for memory tests and the benchmark. */
export function wasmMemoryBytes(): number {
  return wasm().memory.buffer.byteLength;
}
