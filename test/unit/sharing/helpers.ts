/** Shared fixtures for the sharing tests: a valid preset and a hand-made zip writer for hostile bundles. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { afterAll } from 'vitest';
import { type Preset, parsePreset } from '../../../electron/core/preset';

const created: string[] = [];
// Registered by each test file that imports this module (vitest isolates modules per file).
afterAll(() => {
  for (const d of created.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the test file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `stillroom-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Every file and folder under `dir`, relative, sorted (to prove nothing else was written). */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      out.push(e.isDirectory() ? `${r}/` : r);
      if (e.isDirectory()) walk(join(d, e.name), r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** A valid preset with two phases and a few tracks (one with a bundled-asset path). */
export function samplePreset(over: Partial<Preset> = {}): Preset {
  const raw = {
    format: 'stillroom.preset/1',
    id: 'test-sublingual',
    name: 'Test — sublingual',
    author: 'Clinic A',
    route: 'sublingual',
    description: 'For tests.',
    phases: [
      {
        kind: 'onset',
        name: 'Onset',
        plannedMin: 15,
        light: { level: 30, kelvin: 2400, transitionS: 300 },
        playlist: [
          { title: 'Gymnopédie No. 1', artist: 'Erik Satie', album: 'Gymnopédies', durationS: 1.2, isrc: 'FRZ039800212' },
          { title: 'Eden', artist: 'Hania Rani', durationS: 1.8, asset: 'demo-audio/01-morning-field.ogg' },
        ],
      },
      {
        kind: 'peak',
        name: 'Peak',
        plannedMin: 45,
        light: { level: 5, kelvin: 2000, transitionS: 600 },
        playlist: [{ title: 'Says', artist: 'Nils Frahm', durationS: 2.2 }],
      },
    ],
    reminders: [{ id: 'vitals-40', label: 'Vitals', anchor: 'dose', offsetMin: 40 }],
    ...over,
  };
  return parsePreset(JSON.stringify(raw), 'sample');
}

export interface CraftEntry {
  name: string | Buffer;
  data?: Buffer;
  /** 0 = store, 8 = deflate (default store). */
  method?: number;
  /** Overrides the sizes written in the headers (lying entries). */
  declaredSize?: number;
  declaredCompressedSize?: number;
  /** Unix mode bits (e.g. 0o120777 for a symlink). */
  mode?: number;
  flags?: number;
}

/**
 * Writes a zip by hand, so tests can make the entries no honest zip tool would write:
 * "../" names, absolute paths, symlinks, duplicates, lying sizes, encryption flags.
 */
export function craftZip(entries: readonly CraftEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = typeof e.name === 'string' ? Buffer.from(e.name, 'utf8') : e.name;
    const data = e.data ?? Buffer.alloc(0);
    const method = e.method ?? 0;
    const stored = method === 8 ? deflateRawSync(data) : data;
    const crc = crc32(data) >>> 0;
    const size = e.declaredSize ?? data.length;
    const csize = e.declaredCompressedSize ?? stored.length;
    const flags = (e.flags ?? 0) | (typeof e.name === 'string' ? 0x800 : 0);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(csize, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, stored);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(csize, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + stored.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
