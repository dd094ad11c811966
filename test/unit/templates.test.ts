/**
 * The curated route templates in `playlists/` (everything there but the demos): each is a valid
 * preset whose phase timing fits its route, whose light only ever moves gently, whose music
 * covers every phase without dead air, and whose clinical reminders fall where docs/templates.md
 * says they do. A session is simulated with the dose given on plan, so the checks are on the
 * timeline a therapist would actually live through.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type PhaseKind, type Preset, parsePreset } from '../../electron/core/preset';
import { replay, type SessionPlan, type SessionState } from '../../electron/core/session';
import { buildTimeline, lightAt, segmentsAt, type Timeline } from '../../electron/core/timeline';
import { loadPresets, summarise } from '../../electron/services/presets';
import { journal, MIN, planFromPreset, T0 } from '../fixtures/plans';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const playlistsDir = join(root, 'playlists');
const docs = readFileSync(join(root, 'docs', 'templates.md'), 'utf8');

const allFiles = readdirSync(playlistsDir)
  .filter((name) => name.endsWith('.stillroom.json'))
  .sort();
const templateFiles = allFiles.filter((name) => !name.startsWith('demo'));

function load(name: string): Preset {
  return parsePreset(readFileSync(join(playlistsDir, name), 'utf8'), name);
}

type Range = readonly [number, number];

interface RouteRule {
  route: Preset['route'];
  /** Whole plan, preparation included, in minutes. */
  totalMin: Range;
  /** Planned minutes per phase kind (the documented ranges). */
  phases: Partial<Record<PhaseKind, Range>>;
  /** IV: the infusion is the onset and the peak together. */
  infusionMin?: Range;
  /** Ketamine routes: blood pressure at dose + 40, monitoring to dose + 120 and the plan ends there. */
  ketamine: boolean;
}

/** The documented timing of each template (docs/templates.md), by preset id. */
const RULES: Record<string, RouteRule> = {
  'sublingual-troche': {
    route: 'sublingual',
    totalMin: [100, 150],
    phases: { preparation: [10, 30], onset: [10, 20], peak: [45, 60], return: [15, 40], integration: [20, 40] },
    ketamine: true,
  },
  intramuscular: {
    route: 'intramuscular',
    totalMin: [100, 150],
    phases: { preparation: [10, 30], onset: [5, 10], peak: [40, 50], return: [15, 40], integration: [20, 45] },
    ketamine: true,
  },
  'iv-infusion': {
    route: 'intravenous',
    totalMin: [100, 160],
    phases: { preparation: [10, 30], onset: [5, 15], peak: [25, 50], return: [15, 45], integration: [20, 45] },
    infusionMin: [40, 60],
    ketamine: true,
  },
  intranasal: {
    route: 'intranasal',
    totalMin: [100, 150],
    phases: { preparation: [10, 30], onset: [5, 15], peak: [30, 45], return: [15, 40], integration: [20, 40] },
    ketamine: true,
  },
  'psilocybin-long': {
    route: 'oral',
    totalMin: [360, 480],
    phases: { preparation: [20, 60], onset: [30, 60], peak: [120, 180], return: [90, 180], integration: [30, 60] },
    ketamine: false,
  },
};

/** Gentlest allowed light movement outside preparation: level % per minute and kelvin per minute. */
const MAX_LEVEL_PER_MIN = 5;
const MAX_KELVIN_PER_MIN = 100;
/** A playlist must hold at least this share of its phase's planned length (run-out repeats the rest). */
const MIN_COVERAGE = 0.8;

const totalOf = (p: Preset): number => p.phases.reduce((s, ph) => s + ph.plannedMin, 0);
const phaseOf = (p: Preset, kind: PhaseKind) => {
  const ph = p.phases.find((x) => x.kind === kind);
  if (!ph) throw new Error(`${p.id} has no ${kind} phase`);
  return ph;
};

/** A plan from the template with every track (and every fallback bed) standing in as a playable file. */
function planOf(preset: Preset): SessionPlan {
  const plan = planFromPreset(preset);
  const fallbackTracks = preset.phases.map((ph, i) =>
    (ph.fallback ?? []).map((t, j) => {
      const id = `f${i}-t${j}`;
      plan.tracks[id] = { id, title: t.title, artist: t.artist, durationS: t.durationS, file: '/fake/bed.ogg', problem: null };
      return id;
    }),
  );
  return { ...plan, fallbackTracks };
}

interface Lived {
  preset: Preset;
  state: SessionState;
  tl: Timeline;
  doseAt: number;
  /** When the plan ends if every phase runs as planned. */
  plannedEnd: number;
}

/** The session as lived when the dose is given at the planned end of preparation and nothing is stretched. */
function live(preset: Preset): Lived {
  const prep = preset.phases[0];
  const doseAt = T0 + (prep?.untilDose ? prep.plannedMin : 0) * MIN;
  const plannedEnd = T0 + totalOf(preset) * MIN;
  const state = replay(journal(planOf(preset), T0, [[doseAt, { type: 'DoseGiven', note: '' }]]));
  if (!state) throw new Error('the session did not start');
  const now = plannedEnd + MIN;
  return { preset, state, tl: buildTimeline(state, now), doseAt, plannedEnd };
}

const templates = templateFiles.map((file) => ({ file, preset: load(file) }));
const lived = new Map(templates.map(({ preset }) => [preset.id, live(preset)]));
const livedOf = (id: string): Lived => {
  const l = lived.get(id);
  if (!l) throw new Error(`no template ${id}`);
  return l;
};
const ruleOf = (id: string): RouteRule => {
  const rule = RULES[id];
  if (!rule) throw new Error(`template ${id} has no documented timing in this test (add it to RULES and docs/templates.md)`);
  return rule;
};
const dueOf = (l: Lived, id: string): number => {
  const r = l.tl.reminders.find((x) => x.id === id);
  if (!r || r.dueAt === null) throw new Error(`${l.preset.id}: reminder ${id} is missing or has no time`);
  return r.dueAt;
};
const labelOf = (p: Preset, id: string): string => p.reminders.find((r) => r.id === id)?.label ?? '';

const ids = templates.map((t) => t.preset.id);

describe('route templates', () => {
  it('ship all five routes, each documented', () => {
    expect([...ids].sort()).toEqual(Object.keys(RULES).sort());
    for (const { preset } of templates) {
      expect(docs, `docs/templates.md mentions ${preset.id}`).toContain(`\`${preset.id}\``);
      expect(docs, `docs/templates.md names ${preset.name}`).toContain(preset.name);
    }
  });

  it('have ids unique across every bundled preset, demos included', () => {
    const all = allFiles.map((f) => load(f).id);
    expect(new Set(all).size).toBe(all.length);
  });

  it('load as bundled presets with no problems reported', () => {
    const userDir = mkdtempSync(join(tmpdir(), 'stillroom-tpl-'));
    try {
      const catalog = loadPresets(playlistsDir, userDir);
      expect(catalog.problems).toEqual([]);
      for (const id of ids) {
        const found = catalog.presets.find((p) => p.preset.id === id);
        expect(found?.origin, id).toBe('bundled');
        if (found) expect(summarise(found).totalMin).toBe(totalOf(found.preset));
      }
    } finally {
      rmSync(userDir, { recursive: true, force: true });
    }
  });
});

describe.each(templates)('$file', ({ preset }) => {
  const rule = ruleOf(preset.id);
  const l = livedOf(preset.id);

  it('is a five-phase session for its route, dose-gated preparation first', () => {
    expect(preset.route).toBe(rule.route);
    expect(preset.phases.map((p) => p.kind)).toEqual(['preparation', 'onset', 'peak', 'return', 'integration']);
    expect(preset.phases[0]?.untilDose).toBe(true);
    expect(preset.phases.slice(1).some((p) => p.untilDose)).toBe(false);
  });

  it("plans each phase within the route's documented range", () => {
    const total = totalOf(preset);
    expect(total).toBeGreaterThanOrEqual(rule.totalMin[0]);
    expect(total).toBeLessThanOrEqual(rule.totalMin[1]);
    for (const [kind, [lo, hi]] of Object.entries(rule.phases) as Array<[PhaseKind, Range]>) {
      const planned = phaseOf(preset, kind).plannedMin;
      expect(planned, `${kind} planned minutes`).toBeGreaterThanOrEqual(lo);
      expect(planned, `${kind} planned minutes`).toBeLessThanOrEqual(hi);
    }
    if (rule.infusionMin) {
      const infusion = phaseOf(preset, 'onset').plannedMin + phaseOf(preset, 'peak').plannedMin;
      expect(infusion).toBeGreaterThanOrEqual(rule.infusionMin[0]);
      expect(infusion).toBeLessThanOrEqual(rule.infusionMin[1]);
    }
  });

  it('describes itself honestly: approximate durations, matching through the library, not medical advice', () => {
    expect(preset.description).toMatch(/approximate/i);
    expect(preset.description).toContain('±3 s');
    expect(preset.description).toMatch(/resolution report/i);
    expect(preset.description).toMatch(/not medical advice/i);
  });

  it('ships no audio: every track is metadata only', () => {
    for (const ph of preset.phases) {
      for (const t of [...ph.playlist, ...(ph.fallback ?? [])]) {
        expect(t.asset, `${ph.name}: ${t.title}`).toBeUndefined();
        expect(t.title.length).toBeGreaterThan(0);
        expect(t.artist.length, `${t.title} names its artist`).toBeGreaterThan(0);
        expect(Number.isInteger(t.durationS), `${t.title} duration in whole seconds`).toBe(true);
      }
    }
  });

  it(`has music for at least ${MIN_COVERAGE * 100} % of every phase's planned length`, () => {
    for (const ph of preset.phases) {
      const musicS = ph.playlist.reduce((s, t) => s + t.durationS, 0);
      expect(
        musicS / (ph.plannedMin * 60),
        `${ph.name}: ${Math.round(musicS / 60)} min of music for ${ph.plannedMin} min`,
      ).toBeGreaterThanOrEqual(MIN_COVERAGE);
    }
  });

  it('never plans silence: long phases repeat, and the peak has a long, even bed to fall back on', () => {
    for (const ph of preset.phases) expect(ph.runOut, ph.name).not.toBe('silence');
    const peak = phaseOf(preset, 'peak');
    const bedS = (peak.fallback ?? []).reduce((s, t) => s + t.durationS, 0);
    expect(bedS).toBeGreaterThanOrEqual(30 * 60);
  });

  it('keeps the music quiet and smooth: gentle crossfades and no big jumps in level between phases', () => {
    for (const ph of preset.phases) {
      expect(ph.crossfadeS, ph.name).toBeGreaterThanOrEqual(6);
      expect(ph.crossfadeS, ph.name).toBeLessThanOrEqual(15);
      expect(ph.volume, ph.name).toBeLessThanOrEqual(0.8);
    }
    for (let i = 1; i < preset.phases.length; i++) {
      const a = preset.phases[i - 1]?.volume ?? 0;
      const b = preset.phases[i]?.volume ?? 0;
      expect(Math.abs(b - a), `${preset.phases[i]?.name}`).toBeLessThanOrEqual(0.2 + 1e-9);
    }
    expect(phaseOf(preset, 'integration').volume).toBeLessThan(phaseOf(preset, 'peak').volume);
  });

  it('plays music at every moment of the planned session (no dead air)', () => {
    const gaps: string[] = [];
    for (let t = l.state.startedAt; t < l.plannedEnd; t += 10_000) {
      if (segmentsAt(l.tl, t).length === 0) gaps.push(`${((t - T0) / MIN).toFixed(1)} min`);
    }
    expect(gaps).toEqual([]);
  });

  it('lights the room warm and dims it most for the peak', () => {
    const levels = preset.phases.map((p) => p.light.level);
    for (const ph of preset.phases) {
      expect(ph.light.kelvin, ph.name).toBeGreaterThanOrEqual(2000);
      expect(ph.light.kelvin, ph.name).toBeLessThanOrEqual(2700);
    }
    expect(phaseOf(preset, 'peak').light.level).toBe(Math.min(...levels));
    expect(phaseOf(preset, 'peak').light.level).toBeLessThanOrEqual(15);
    expect(phaseOf(preset, 'integration').light.level).toBeGreaterThan(phaseOf(preset, 'peak').light.level);
  });

  it('moves the light over minutes, reaching each scene before its phase ends', () => {
    const frames = l.tl.light.filter((f) => f.cause === 'phase');
    expect(frames).toHaveLength(preset.phases.length);
    frames.slice(1).forEach((f, i) => {
      const ph = preset.phases[i + 1];
      expect(f.durationMs, ph?.name).toBeGreaterThanOrEqual(60_000);
      expect(f.durationMs, `${ph?.name} transition fits in the phase`).toBeLessThanOrEqual((ph?.plannedMin ?? 0) * MIN);
    });
  });

  it(`never changes the light faster than ${MAX_LEVEL_PER_MIN} % or ${MAX_KELVIN_PER_MIN} K a minute after preparation`, () => {
    const prep = preset.phases[0]?.light ?? { level: 50, kelvin: 2700 };
    const stepMs = 5000;
    let prev = lightAt(l.tl.light, l.doseAt, prep);
    let fastestLevel = 0;
    let fastestKelvin = 0;
    for (let t = l.doseAt + stepMs; t <= l.plannedEnd; t += stepMs) {
      const cur = lightAt(l.tl.light, t, prep);
      fastestLevel = Math.max(fastestLevel, (Math.abs(cur.level - prev.level) * MIN) / stepMs);
      fastestKelvin = Math.max(fastestKelvin, (Math.abs(cur.kelvin - prev.kelvin) * MIN) / stepMs);
      prev = cur;
    }
    expect(fastestLevel).toBeLessThanOrEqual(MAX_LEVEL_PER_MIN + 1e-9);
    expect(fastestKelvin).toBeLessThanOrEqual(MAX_KELVIN_PER_MIN);
    // And it does arrive: at the planned end the room is at the integration scene.
    expect(lightAt(l.tl.light, l.plannedEnd, prep).level).toBeCloseTo(phaseOf(preset, 'integration').light.level, 6);
  });

  it('takes blood pressure before the dose, and every reminder falls within the planned session', () => {
    expect(labelOf(preset, 'bp-before-dose')).toMatch(/blood pressure|vitals/i);
    expect(dueOf(l, 'bp-before-dose')).toBeLessThan(l.doseAt);
    for (const r of l.tl.reminders) {
      expect(r.dueAt, r.id).not.toBeNull();
      expect(r.dueAt ?? 0, r.id).toBeGreaterThanOrEqual(l.state.startedAt);
      expect(r.dueAt ?? 0, r.id).toBeLessThanOrEqual(l.plannedEnd);
    }
    expect(new Set(preset.reminders.map((r) => r.id)).size).toBe(preset.reminders.length);
  });

  it('checks blood pressure before discharge, after the peak and before the monitoring window ends', () => {
    expect(labelOf(preset, 'bp-before-discharge')).toMatch(/blood pressure/i);
    expect(labelOf(preset, 'bp-before-discharge')).toMatch(/discharge/i);
    const peakEnd = l.tl.phases.find((s) => s.kind === 'peak')?.end ?? 0;
    expect(dueOf(l, 'bp-before-discharge')).toBeGreaterThan(peakEnd);
    expect(dueOf(l, 'bp-before-discharge')).toBeLessThan(dueOf(l, 'monitoring-end'));
    expect(labelOf(preset, 'monitoring-end')).toMatch(/monitoring/i);
  });

  if (rule.ketamine) {
    it('takes blood pressure at dose + 40 min and ends monitoring (and the plan) at dose + 120 min', () => {
      expect(labelOf(preset, 'bp-dose-40')).toMatch(/blood pressure/i);
      expect(dueOf(l, 'bp-dose-40')).toBe(l.doseAt + 40 * MIN);
      expect(dueOf(l, 'monitoring-end')).toBe(l.doseAt + 120 * MIN);
      expect(l.plannedEnd).toBe(l.doseAt + 120 * MIN);
    });
  } else {
    it('monitors for longer: vitals at least hourly for six hours, monitoring to at least dose + 6 h', () => {
      expect(dueOf(l, 'monitoring-end')).toBeGreaterThanOrEqual(l.doseAt + 360 * MIN);
      const vitals = l.tl.reminders
        .filter((r) => /vitals|blood pressure/i.test(r.label) && r.dueAt !== null && r.dueAt >= l.doseAt)
        .map((r) => r.dueAt ?? 0)
        .sort((a, b) => a - b);
      let last = l.doseAt;
      for (const at of vitals) {
        expect(at - last, `gap before the vitals at dose + ${(at - l.doseAt) / MIN} min`).toBeLessThanOrEqual(60 * MIN);
        last = at;
      }
      expect(last).toBeGreaterThanOrEqual(l.doseAt + 360 * MIN);
    });
  }
});

describe('route specifics', () => {
  it('sublingual: the end of the ~12 minute swish is called at dose + 12 min, inside the onset phase', () => {
    const l = livedOf('sublingual-troche');
    expect(labelOf(l.preset, 'swish-end')).toMatch(/swish/i);
    expect(dueOf(l, 'swish-end')).toBe(l.doseAt + 12 * MIN);
    const onset = l.tl.phases.find((s) => s.kind === 'onset');
    expect(dueOf(l, 'swish-end')).toBeLessThan(onset?.end ?? 0);
  });

  it('intranasal: further sprays are offered at dose + 5 and + 10 min, before the peak begins', () => {
    const l = livedOf('intranasal');
    const peakStart = l.tl.phases.find((s) => s.kind === 'peak')?.start ?? 0;
    for (const [id, offset] of [
      ['spray-2', 5],
      ['spray-3', 10],
    ] as const) {
      expect(labelOf(l.preset, id)).toMatch(/spray/i);
      expect(labelOf(l.preset, id)).toMatch(/repeat/i);
      expect(dueOf(l, id)).toBe(l.doseAt + offset * MIN);
      expect(dueOf(l, id)).toBeLessThanOrEqual(peakStart);
    }
  });

  it('IV: the planned end of the infusion is called when the peak is planned to end', () => {
    const l = livedOf('iv-infusion');
    const peakEnd = l.tl.phases.find((s) => s.kind === 'peak')?.end ?? 0;
    expect(labelOf(l.preset, 'infusion-end')).toMatch(/infusion/i);
    expect(dueOf(l, 'infusion-end')).toBe(peakEnd);
  });

  it('psilocybin: the return is long, at least half the time after the dose is peak or return', () => {
    const p = livedOf('psilocybin-long').preset;
    const afterDose = totalOf(p) - phaseOf(p, 'preparation').plannedMin;
    expect(phaseOf(p, 'return').plannedMin).toBeGreaterThanOrEqual(120);
    expect((phaseOf(p, 'peak').plannedMin + phaseOf(p, 'return').plannedMin) / afterDose).toBeGreaterThanOrEqual(0.5);
  });
});
