/**
 * Facilitator panel figures (issue 5):
 * - key press to note visible (measured in the page, from the Enter keydown to the note drawn in
 *   the list) and to note saved in the journal (until the fsynced line is on disk), p50/p99
 *   over 60 notes, in a real Chromium against the browser host;
 * - Safe state press to music −10 dB (host up, host down) and reconnect time: panel-safe.ts;
 * - (report generation for the 3-hour session built here is measured in report.ts);
 * - a journal append as the hosts now write it (sealed with the data key, then fsynced), p50/p99
 *   over 300 notes, beside the plain figure in core.ts — and the sealing alone, per line.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PresetSchema } from '../../electron/core/preset';
import { replay, type SessionEvent, type SessionPlan, type SessionState } from '../../electron/core/session';
import { Vault } from '../../electron/services/vault';
import { launchChromium, removeDataDir, startHost, stopHost } from '../e2e/launcher';
import { percentile, timeNoteAppends } from './core';
import { benchPanelSafe } from './panel-safe';

const MIN = 60_000;

/** A finished 3-hour session: 60 tracks, 200 notes (some private, some tagged, a few edited), 30 vitals, safe state twice. */
export function threeHourSession(): SessionState {
  const kinds = ['preparation', 'onset', 'peak', 'return', 'integration'] as const;
  const minutes = [20, 20, 80, 30, 30];
  const preset = PresetSchema.parse({
    format: 'stillroom.preset/1',
    id: 'bench',
    name: 'Bench',
    route: 'sublingual',
    phases: kinds.map((kind, p) => ({
      kind,
      name: kind,
      plannedMin: minutes[p],
      untilDose: p === 0,
      playlist: Array.from({ length: 12 }, (_, i) => ({ title: `Track ${p}-${i}`, artist: 'Artist', durationS: 180 + ((i * 37) % 300) })),
      light: { level: 10 + p * 10, kelvin: 2700, transitionS: 300 },
    })),
    reminders: [
      { id: 'v40', label: 'Vitals', anchor: 'dose', offsetMin: 40 },
      { id: 'v120', label: 'Monitoring end', anchor: 'dose', offsetMin: 120 },
    ],
  });
  const tracks: SessionPlan['tracks'] = {};
  const phaseTracks = preset.phases.map((ph, p) =>
    ph.playlist.map((t, i) => {
      const id = `${p}-${i}`;
      tracks[id] = { id, title: t.title, artist: t.artist, durationS: t.durationS, file: `/music/${id}.flac`, problem: null };
      return id;
    }),
  );
  const t0 = Date.UTC(2026, 0, 10, 9, 0, 0);
  const plan: SessionPlan = {
    sessionId: 'bench',
    preset,
    clientAlias: 'J.M.',
    intention: 'To rest and listen.',
    phaseTracks,
    tracks,
    safeScene: { level: 60, kelvin: 2700 },
  };
  const events: SessionEvent[] = [];
  let seq = 0;
  const add = (at: number, ev: Record<string, unknown>): void => {
    events.push({ ...ev, seq: seq++, at } as SessionEvent);
  };
  add(t0, { type: 'SessionStarted', plan });
  add(t0 + 20 * MIN, {
    type: 'DoseGiven',
    note: '',
    details: { medicine: 'Ketamine', amount: 100, unit: 'mg', route: 'sublingual', lot: 'B1' },
  });
  for (let i = 0; i < 200; i++) {
    const at = t0 + 21 * MIN + i * 47_000;
    add(at, {
      type: 'NoteAdded',
      id: `n${i}`,
      text: `Observation ${i}: breathing slow, hands relaxed, a few words about the sea and an old house by the water.`,
      ...(i % 7 === 0 ? { private: true } : {}),
      ...(i % 5 === 0 ? { tags: ['speaking'] } : {}),
    });
    if (i % 40 === 0) add(at + 5000, { type: 'NoteEdited', noteId: `n${i}`, text: `Observation ${i} (edited)`, tags: [], private: false });
  }
  for (let i = 0; i < 30; i++) {
    const at = t0 + 22 * MIN + i * 5 * MIN;
    add(at, {
      type: 'VitalsRecorded',
      id: `v${i}`,
      takenAt: at,
      values: { systolic: 120 + (i % 9) * 6, diastolic: 78 + (i % 5) * 4, heartRate: 70 + (i % 11) * 4, spo2: 95 + (i % 4), custom: [] },
      confirmedImplausible: [],
      note: '',
    });
  }
  add(t0 + 60 * MIN, { type: 'SafeStateOn' });
  add(t0 + 63 * MIN, { type: 'SafeStateOff' });
  add(t0 + 180 * MIN, { type: 'SessionEnded' });
  add(t0 + 185 * MIN, {
    type: 'DischargeRecorded',
    id: 'dc',
    ready: true,
    dischargedAt: t0 + 185 * MIN,
    accompaniedBy: 'Partner',
    note: '',
  });
  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  const state = replay(events);
  if (!state) throw new Error('bench session did not start');
  return state;
}

async function benchNoteLatency(samples = 60): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stillroom-bench-panel-'));
  const { context, close } = await launchChromium();
  const host = await startHost(dataDir, ['--preset', 'demo-quick']);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Start session' }).click();
    await page.getByTestId('phase-name').waitFor();
    const dir = join(dataDir, 'sessions');
    const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.jsonl')) ?? '');
    const box = page.locator('#note-input');
    const latencies: number[] = [];
    const visible: number[] = [];
    for (let i = 0; i < samples + 5; i++) {
      const text = `Bench note ${i}`;
      await box.fill(text);
      // In the page: from the Enter key's keydown to the note drawn in the list (no Playwright round trips).
      // Installed before the key is pressed (awaited), read after. No named functions inside: tsx
      // would wrap them in a helper the page does not have.
      await page.evaluate((want) => {
        const t = { t0: 0 };
        document.addEventListener(
          'keydown',
          () => {
            t.t0 = performance.now();
          },
          { capture: true, once: true },
        );
        (window as unknown as { __benchSeen?: Promise<number> }).__benchSeen = new Promise<number>((resolve) => {
          const obs = new MutationObserver(() => {
            if (!t.t0) return;
            const nodes = [...document.querySelectorAll('[data-testid="notes-list"] .note-text')];
            if (!nodes.some((n) => n.firstChild?.textContent === want)) return;
            obs.disconnect();
            resolve(performance.now() - t.t0);
          });
          obs.observe(document.body, { childList: true, subtree: true, characterData: true });
        });
      }, text);
      const before = statSync(file).size;
      const t = performance.now();
      await page.keyboard.press('Enter');
      while (statSync(file).size === before) await new Promise<void>((r) => setImmediate(r));
      const journalled = performance.now() - t;
      const shown = await page.evaluate(() => (window as unknown as { __benchSeen?: Promise<number> }).__benchSeen ?? Number.NaN);
      if (i >= 5) {
        // the first few warm up the page
        latencies.push(journalled);
        visible.push(shown);
      }
    }
    return {
      note_keypress_to_visible_p50_ms: percentile(visible, 50),
      note_keypress_to_visible_p99_ms: percentile(visible, 99),
      note_keypress_to_journal_fsync_p50_ms: percentile(latencies, 50),
      note_keypress_to_journal_fsync_p99_ms: percentile(latencies, 99),
    };
  } finally {
    await stopHost(host);
    await close();
    removeDataDir(dataDir);
  }
}

function benchSealedJournal(): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'stillroom-bench-sealed-'));
  try {
    const vault = Vault.ephemeral();
    const times = timeNoteAppends(dir, vault);
    const line = JSON.stringify({
      type: 'NoteAdded',
      at: Date.now(),
      id: 'n1',
      text: 'a typical short observation about the client',
      seq: 1,
    });
    const t = performance.now();
    for (let i = 0; i < 2000; i++) vault.seal(line);
    return {
      journal_append_sealed_fsync_p50_ms: percentile(times, 50),
      journal_append_sealed_fsync_p99_ms: percentile(times, 99),
      journal_seal_per_line_us: ((performance.now() - t) / 2000) * 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** All panel figures; the browser part is skipped where Chromium is missing. */
export async function benchPanel(): Promise<Record<string, number>> {
  const out = benchSealedJournal();
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  let hasChromium = true;
  try {
    statSync(chromium);
  } catch {
    hasChromium = false;
  }
  if (hasChromium) Object.assign(out, await benchNoteLatency(), await benchPanelSafe());
  return out;
}
