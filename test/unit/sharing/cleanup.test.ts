/**
 * Bundle imports the therapist never finished do not pile up in `<data>/bundles` (each can be
 * gigabytes): they are gone when the presets module closes (before close() returns, as the
 * shells exit right after), and at the next start after a crash. Completed imports, and folders
 * from before the pending mark, stay.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMatchIndex } from '../../../electron/core/matching';
import { runHandler } from '../../../electron/host/command';
import { validateCommand } from '../../../electron/host/contract';
import { HostSharing } from '../../../electron/host/presets';
import type { presetsCommands } from '../../../electron/host/presets/contract';

type SharingCommand = keyof typeof presetsCommands;

import { confSettings } from '../../../electron/services/settings';
import { exportBundle, importBundle } from '../../../electron/services/sharing/bundle';
import { cleanAbandonedImports, keepBundle, PENDING_MARK } from '../../../electron/services/sharing/bundle-cleanup';
import { TrustedKeys } from '../../../electron/services/sharing/keys';
import { Vault } from '../../../electron/services/vault';
import { toneWav } from '../../fixtures/audio';
import { samplePreset, tempDir } from './helpers';

/** A bundle zip of the sample preset with one track's audio. */
async function bundleZip(): Promise<string> {
  const dir = tempDir('cleanup-src');
  const audio = join(dir, 'says.wav');
  writeFileSync(audio, toneWav(0.5, 466));
  const zip = join(dir, 'out', 'sample.stillroom.zip');
  await exportBundle(samplePreset(), zip, { audio: [{ phaseIndex: 1, trackIndex: 0, file: audio }] });
  return zip;
}

const opened: HostSharing[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** The presets module on `dataDir`, as the host opens it. */
async function presetsModule(dataDir: string) {
  const appRoot = tempDir('cleanup-app');
  mkdirSync(join(appRoot, 'playlists'), { recursive: true });
  const added: string[] = [];
  const sharing = new HostSharing({
    dataDir,
    appRoot,
    settings: confSettings(dataDir),
    vault: Vault.ephemeral(),
    library: {
      music: () => ({ matchIndex: () => buildMatchIndex([]), get: () => undefined }),
      whenIdle: async () => undefined,
      addMusicFolder: async (path: string) => {
        added.push(path);
      },
    },
    presets: () => ({ presets: [], problems: [] }),
    clock: Date.now,
    log: () => undefined,
    onChange: () => undefined,
    reloadPresets: () => undefined,
  });
  opened.push(sharing);
  await sharing.whenReady();
  const run = async (name: SharingCommand, args: unknown): Promise<unknown> => {
    const v = validateCommand(name, args);
    if (!v.ok) throw new Error(v.error);
    const reply = await runHandler(sharing.commands, name, v.args as never);
    return reply && 'data' in reply ? reply.data : undefined;
  };
  const inspect = async (zip: string) =>
    (await run('inspectImport', { name: 'sample.stillroom.zip', base64: readFileSync(zip).toString('base64') })) as { importId: string };
  return { sharing, run, inspect, added };
}

const bundlesIn = (dataDir: string): string[] => (existsSync(join(dataDir, 'bundles')) ? readdirSync(join(dataDir, 'bundles')) : []);

describe('abandoned bundle imports', () => {
  it('an inspected bundle is gone by the time close() returns; a completed one stays', async () => {
    const zip = await bundleZip();
    const dataDir = tempDir('cleanup-data');
    const m = await presetsModule(dataDir);
    const done = await m.inspect(zip);
    await m.run('completeImport', { importId: done.importId });
    await m.inspect(zip); // looked at, never imported
    expect(bundlesIn(dataDir).sort()).toEqual(['test-sublingual', 'test-sublingual-2']);
    m.sharing.close();
    expect(bundlesIn(dataDir)).toEqual(['test-sublingual']);
    expect(readdirSync(join(dataDir, 'bundles', 'test-sublingual', 'audio'))).toHaveLength(1);
    expect(m.added).toEqual([join(dataDir, 'bundles', 'test-sublingual', 'audio')]);
  });

  it('after a crash (no close), the next start removes what was left unfinished', async () => {
    const zip = await bundleZip();
    const dataDir = tempDir('cleanup-data');
    const crashed = await presetsModule(dataDir);
    await crashed.inspect(zip);
    // A half-unpacked import and a dropped bundle's upload copy, as a kill mid-import leaves them.
    mkdirSync(join(dataDir, 'bundles', '.incoming-abc123', 'audio'), { recursive: true });
    writeFileSync(join(dataDir, 'bundles', '.incoming-abc123', 'audio', 'x.wav'), toneWav(0.1));
    mkdirSync(join(dataDir, 'imports'), { recursive: true });
    writeFileSync(join(dataDir, 'imports', '.upload-0a0b0c.zip'), 'partial');
    opened.splice(opened.indexOf(crashed.sharing), 1); // never closed: the process died

    await presetsModule(dataDir);
    expect(bundlesIn(dataDir)).toEqual([]);
    expect(readdirSync(join(dataDir, 'imports'))).toEqual([]);
  });

  it('the service keeps completed folders and those from before the mark, and removes the rest', async () => {
    const zip = await bundleZip();
    const dataDir = tempDir('cleanup-data');
    const importsDir = join(dataDir, 'bundles');
    const trusted = TrustedKeys.inMemory();
    const kept = await importBundle(zip, { importsDir, trusted });
    const pending = await importBundle(zip, { importsDir, trusted });
    expect(existsSync(join(pending.folder, PENDING_MARK))).toBe(true);
    keepBundle(kept.folder);
    mkdirSync(join(importsDir, 'from-an-older-version', 'audio'), { recursive: true });
    const removed = cleanAbandonedImports(dataDir);
    expect(removed).toEqual([pending.folder]);
    expect(readdirSync(importsDir).sort()).toEqual(['from-an-older-version', 'test-sublingual']);
    expect(cleanAbandonedImports(tempDir('cleanup-empty'))).toEqual([]);
  });
});
