/**
 * The panel's preferences (theme, brightness, compact layout, vitals flag ranges), remembered
 * per machine in `<data>/panel.json`. Kept out of the session journal: they describe the
 * machine, not the session. Written atomically (temporary file, then rename) so a power cut
 * leaves the old file or the new one, never half of one; a damaged file falls back to defaults.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ClockFormat, defaultClockFormat } from '../../core/format';
import { DEFAULT_PANEL_PREFS, type PanelPrefs, PanelPrefsSchema } from './contract';

export class PanelPrefsStore {
  private prefs: PanelPrefs;
  private readonly file: string;

  constructor(dataDir: string, log: (line: string) => void = () => {}) {
    this.file = join(dataDir, 'panel.json');
    this.prefs = PanelPrefsStore.load(this.file, log);
  }

  private static load(file: string, log: (line: string) => void): PanelPrefs {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return DEFAULT_PANEL_PREFS;
    }
    try {
      // Whatever is valid is kept; a field that is not falls back to its default.
      const raw = JSON.parse(text) as Record<string, unknown>;
      const merged: Record<string, unknown> = { ...DEFAULT_PANEL_PREFS };
      for (const key of Object.keys(DEFAULT_PANEL_PREFS) as Array<keyof PanelPrefs>) {
        const one = PanelPrefsSchema.shape[key].safeParse(raw[key]);
        if (one.success) merged[key] = one.data;
      }
      return PanelPrefsSchema.parse(merged);
    } catch (err) {
      log(`panel preferences unreadable, using defaults: ${(err as Error).message}`);
      return DEFAULT_PANEL_PREFS;
    }
  }

  get(): PanelPrefs {
    return this.prefs;
  }

  /**
   * How clock times read in what the host writes (refusals, reports): the therapist's setting,
   * or for 'auto' this machine's locale (12-hour only in the US), as the panel decides it.
   */
  clockFormat(): ClockFormat {
    const set = this.prefs.clockFormat;
    return set === 'auto' ? defaultClockFormat(Intl.DateTimeFormat().resolvedOptions().locale) : set;
  }

  /** Applies a change and saves it; throws (with the reason) if the file cannot be written. */
  update(change: Partial<PanelPrefs>): PanelPrefs {
    const next = PanelPrefsSchema.parse({ ...this.prefs, ...change });
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(tmp, this.file);
    this.prefs = next;
    return next;
  }
}
