/** "What changes next" in plain words: a held phase, a phase waiting for the dose, the next change. */
import { describe, expect, it } from 'vitest';
import { PresetSchema } from '../../../electron/core/preset';
import { replay, type SessionEvent, type SessionPlan, type SessionState } from '../../../electron/core/session';
import { buildTimeline } from '../../../electron/core/timeline';
import { nextChangeText } from '../../../renderer/src/lib/nextChange';

const preset = PresetSchema.parse({
  format: 'stillroom.preset/1',
  id: 't',
  name: 'T',
  route: 'demo',
  phases: [
    {
      kind: 'preparation',
      name: 'Arriving',
      plannedMin: 10,
      untilDose: true,
      playlist: [],
      light: { level: 50, kelvin: 2700, transitionS: 5 },
    },
    { kind: 'peak', name: 'Deep rest', plannedMin: 30, playlist: [], light: { level: 10, kelvin: 2200, transitionS: 60 } },
    { kind: 'integration', name: 'Talking', plannedMin: 20, playlist: [], light: { level: 40, kelvin: 2700, transitionS: 60 } },
  ],
});
const plan: SessionPlan = {
  sessionId: 's',
  preset,
  clientAlias: '',
  intention: '',
  tracks: {},
  phaseTracks: [[], [], []],
  safeScene: { level: 60, kelvin: 2700 },
};
const t0 = Date.UTC(2026, 0, 10, 9, 0, 0);

describe('next change', () => {
  it('says what a held phase means, and what waits for the dose', () => {
    const events: SessionEvent[] = [{ seq: 0, at: t0, type: 'SessionStarted', plan } as SessionEvent];
    const at = (): SessionState => replay(events) as SessionState;
    let s = at();
    expect(nextChangeText(s, buildTimeline(s, t0 + 60_000), t0 + 60_000)).toBe('Next: Deep rest, once the dose is given');
    events.push({ seq: 1, at: t0 + 120_000, type: 'DoseGiven', note: '' } as SessionEvent);
    events.push({ seq: 2, at: t0 + 180_000, type: 'PhaseHeld' } as SessionEvent);
    const now = t0 + 240_000;
    s = at();
    expect(nextChangeText(s, buildTimeline(s, now), now)).toBe('Deep rest is held — no change until you resume');
    events.push({ seq: 3, at: now, type: 'PhaseResumed' } as SessionEvent);
    s = at();
    expect(nextChangeText(s, buildTimeline(s, now), now)).toMatch(/^Next: (Talking phase|light to \d+ %) in \d+:\d\d/);
  });
});
