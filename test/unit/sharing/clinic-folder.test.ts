import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import { manualWatch } from '../../../electron/services/library/watch';
import { ClinicFolder, type ClinicPresetEntry } from '../../../electron/services/sharing/clinic-folder';
import { presetFileText } from '../../../electron/services/sharing/export';
import { generateClinicKey, TrustedKeys } from '../../../electron/services/sharing/keys';
import { watchedWithReady } from '../../fixtures/watch-ready';
import { samplePreset, tempDir } from './helpers';

const clinic = generateClinicKey('Clinic A');
const trusted = TrustedKeys.inMemory([{ clinic: 'Clinic A', publicKey: clinic.publicKey }]);

/** Waits (polling, up to 8 s) until `check` holds. */
const waitFor = (check: () => boolean): Promise<void> => vi.waitFor(() => expect(check()).toBe(true), { timeout: 8000, interval: 20 });

describe('clinic library folder', () => {
  it('lists presets with provenance, explains broken ones, ignores temp files and other files', async () => {
    const dir = tempDir('clinic');
    writeFileSync(join(dir, 'a.stillroom.json'), presetFileText(samplePreset({ id: 'a', name: 'Alpha' }), clinic));
    writeFileSync(join(dir, 'b.stillroom.json'), presetFileText(samplePreset({ id: 'b', name: 'Beta' })));
    writeFileSync(join(dir, 'broken.stillroom.json'), '{"format":"stillroom.preset/1"');
    writeFileSync(join(dir, '.c.stillroom.json.abc123.partial'), '{"half');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const cf = await ClinicFolder.open(dir, { trusted });
    const list = cf.list();
    expect(list.map((e) => e.name)).toEqual(['a.stillroom.json', 'b.stillroom.json', 'broken.stillroom.json']);
    expect(list[0]?.preset?.provenance.message).toBe('Signed by Clinic A');
    expect(list[1]?.preset?.provenance.status).toBe('unsigned');
    expect(list[2]?.problem).toMatch(/not valid JSON/);
    await cf.close();
  });

  it('re-reads only changed files and follows changes through the watcher', async () => {
    const dir = tempDir('clinic-watch');
    writeFileSync(join(dir, 'a.stillroom.json'), presetFileText(samplePreset({ id: 'a', name: 'Alpha' })));
    const w = manualWatch();
    const seen: ClinicPresetEntry[][] = [];
    const cf = await ClinicFolder.open(dir, { trusted, watchFactory: w.factory, debounceMs: 10, onChange: (l) => seen.push(l) });
    const before = cf.list()[0];
    await cf.refresh();
    expect(cf.list()[0]).toBe(before); // unchanged: same object, not parsed again
    writeFileSync(join(dir, 'b.stillroom.json'), presetFileText(samplePreset({ id: 'b', name: 'Beta' })));
    w.emit({ kind: 'add', path: join(dir, 'b.stillroom.json') });
    w.emit({ kind: 'add', path: join(dir, 'ignored.txt') });
    await waitFor(() => seen.length > 0);
    expect(seen.at(-1)?.map((e) => e.preset?.preset.name)).toEqual(['Alpha', 'Beta']);
    await cf.close();
    expect(w.open).toBe(0);
  });

  it('a colleague’s publish shows up through chokidar', async () => {
    const dir = tempDir('clinic-real');
    const changes: string[][] = [];
    const watch = watchedWithReady();
    const reader = await ClinicFolder.open(dir, {
      trusted,
      watchFactory: watch.factory,
      debounceMs: 50,
      onChange: (l) => changes.push(l.map((e) => e.name)),
    });
    const writer = await ClinicFolder.open(dir, { trusted });
    await watch.ready();
    const file = await writer.publish(samplePreset({ id: 'shared-peak', name: 'Shared peak' }), { signWith: clinic });
    expect(file).toBe(join(dir, 'shared-peak.stillroom.json'));
    await waitFor(() => reader.list().some((e) => e.preset?.preset.id === 'shared-peak'));
    expect(reader.list()[0]?.preset?.provenance.status).toBe('trusted');
    expect(changes.flat()).not.toContain(expect.stringMatching(/partial/));
    await reader.close();
    await writer.close();
  });

  it('atomic writes: a reader on another thread never sees half a file', async () => {
    const dir = tempDir('clinic-atomic');
    const target = join(dir, 'big.stillroom.json');
    const writer = await ClinicFolder.open(dir, { trusted });
    // A large description makes each write take long enough to be caught half-way if it were not atomic.
    const bigPreset = (n: number) => samplePreset({ id: 'big', name: `Version ${n}`, description: String(n % 10).repeat(1900) });
    await writer.publish(bigPreset(0));
    const worker = new Worker(
      `const { readFileSync } = require('node:fs');
       const { parentPort, workerData } = require('node:worker_threads');
       let reads = 0, torn = 0, stop = false;
       parentPort.on('message', () => { stop = true; });
       (function loop() {
         for (let i = 0; i < 200; i++) {
           try { JSON.parse(readFileSync(workerData, 'utf8')); reads++; } catch (e) { if (e.code !== 'ENOENT') torn++; }
         }
         if (stop) parentPort.postMessage({ reads, torn }); else setImmediate(loop);
       })();`,
      { eval: true, workerData: target },
    );
    for (let n = 1; n <= 60; n++) await writer.publish(bigPreset(n));
    const result = await new Promise<{ reads: number; torn: number }>((resolve) => {
      worker.once('message', resolve);
      worker.postMessage('stop');
    });
    await worker.terminate();
    expect(result.reads).toBeGreaterThan(100);
    expect(result.torn).toBe(0);
    await writer.close();
  });

  it('an unreachable folder is a problem to show, not a crash', async () => {
    const cf = await ClinicFolder.open(join(tempDir('clinic-gone'), 'not-there'), { trusted });
    expect(cf.list()).toEqual([]);
    expect(cf.problems[0]).toMatch(/cannot be read \(ENOENT\)/);
    await cf.close();
  });
});
