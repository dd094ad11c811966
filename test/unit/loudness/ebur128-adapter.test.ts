/**
 * The hand-made loader for `ebur128-wasm` (electron/services/loudness/ebur128.ts) relies on
 * the package's wasm-bindgen internals: the names of its WASM imports and exports, that the
 * measuring functions take (rate, pointer, length) of memory allocated with
 * `__wbindgen_malloc` and keep ownership of it, and how a Rust panic reaches JS. Any change
 * there makes these tests fail by name, before a clinic measures anything with it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EBUR128_WASM_VERSION, integratedLufsWhole, truePeakDbtp, wasmMemoryBytes } from '../../../electron/services/loudness/ebur128';
import { sine } from '../../fixtures/audio-gen';

const require = createRequire(import.meta.url);
const pkgDir = join(require.resolve('ebur128-wasm/package.json'), '..');
const root = join(import.meta.dirname, '..', '..', '..');

interface WasmDescriptor {
  module: string;
  name: string;
  kind: string;
}
interface WasmStatic {
  Module: {
    new (bytes: Uint8Array): object;
    imports(m: object): WasmDescriptor[];
    exports(m: object): WasmDescriptor[];
  };
}
const WA = (globalThis as unknown as { WebAssembly: WasmStatic }).WebAssembly;

describe('ebur128-wasm, as the loader expects it', () => {
  it('is the exact version the loader was written for, pinned exactly in package.json', () => {
    const installed = (require('ebur128-wasm/package.json') as { version: string }).version;
    const pinned = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies[
      'ebur128-wasm'
    ];
    expect(installed, 'installed ebur128-wasm').toBe(EBUR128_WASM_VERSION);
    expect(pinned, 'package.json must pin ebur128-wasm exactly (no ^ or ~)').toBe(EBUR128_WASM_VERSION);
  });

  it('ships the very WASM binary and JS glue the loader was checked against', () => {
    const sha = (f: string) =>
      createHash('sha256')
        .update(readFileSync(join(pkgDir, f)))
        .digest('hex');
    expect(sha('ebur128_wasm_bg.wasm')).toBe('a84700a3ca722e8d32283bed6473cffd027d43c75de4093d34de44eb88c2c04d');
    expect(sha('ebur128_wasm_bg.js')).toBe('cb786df332ad14a77acd95fb2da1fa129bccaaf93967c33bd36452e4360e6b01');
  });

  it('imports only the panic helpers the loader provides, and exports what it calls', () => {
    const mod = new WA.Module(readFileSync(join(pkgDir, 'ebur128_wasm_bg.wasm')));
    const imports = WA.Module.imports(mod).map((i) => i.name.replace(/_[0-9a-f]{16}$/, '_<hash>'));
    expect(imports.sort()).toEqual(['__wbg_error_<hash>', '__wbg_new_<hash>', '__wbg_stack_<hash>', '__wbindgen_object_drop_ref']);
    const exports = WA.Module.exports(mod).map((e) => e.name);
    for (const name of [
      'memory',
      '__wbindgen_malloc',
      'ebur128_integrated_mono',
      'ebur128_integrated_stereo',
      'ebur128_true_peak_mono',
      'ebur128_true_peak_stereo',
    ]) {
      expect(exports, `export ${name}`).toContain(name);
    }
  });

  it("passes buffers the way the package's own glue does: malloc'd (rate, pointer, length), never freed by the caller", () => {
    const glue = readFileSync(join(pkgDir, 'ebur128_wasm_bg.js'), 'utf8');
    expect(glue).toContain('passArrayF32ToWasm0(samples, wasm.__wbindgen_malloc)');
    expect(glue).toContain('wasm.ebur128_integrated_stereo(sample_rate, ptr0, len0, ptr1, len1)');
    expect(glue).toContain('wasm.ebur128_true_peak_mono(sample_rate, ptr0, len0)');
    expect(glue).not.toContain('__wbindgen_free(ptr0');
    // Ownership passes to Rust, which frees each buffer: measuring again does not grow memory.
    const s = sine(2, 48000, 1000, -20);
    integratedLufsWhole(48000, [s, s]);
    const before = wasmMemoryBytes();
    for (let i = 0; i < 20; i++) integratedLufsWhole(48000, [s, s]);
    expect(wasmMemoryBytes()).toBe(before);
  });

  it('returns loudness in LUFS and true peak already in dBTP (−Infinity for digital silence)', () => {
    const s = sine(3, 48000, 997, 0);
    expect(integratedLufsWhole(48000, [s])).toBeCloseTo(-3.01, 1);
    expect(truePeakDbtp(48000, [s, s])).toBeCloseTo(0, 0);
    expect(truePeakDbtp(48000, [new Float32Array(48000)])).toBe(Number.NEGATIVE_INFINITY);
  });

  it("turns a Rust panic into a plain error with the crate's message, and measures again afterwards", () => {
    expect(() => integratedLufsWhole(0, [sine(1, 48000, 440, -20)])).toThrow(/the loudness meter failed \(panicked at .*analyzer/);
    expect(integratedLufsWhole(48000, [sine(2, 48000, 997, 0)])).toBeCloseTo(-3.01, 1);
  });
});
