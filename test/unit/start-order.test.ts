/**
 * The Start view's pure helpers: the order presets are offered in (demos, route templates in
 * clinical order, the user's own, the clinic's), session lengths as a person says them, and
 * the music check folded into one line per phase.
 */
import { describe, expect, it } from 'vitest';
import type { TrackProblem } from '../../electron/core/playback';
import type { TrackRef } from '../../electron/core/preset';
import type { PresetSummary } from '../../electron/host/contract';
import { anyFromLibrary, phaseLine, skipsByPhase } from '../../renderer/src/lib/missing-by-phase';
import { orderPresets, sessionLength } from '../../renderer/src/lib/start-order';

const p = (id: string, name: string, origin: PresetSummary['origin'] = 'bundled') => ({ id, name, origin });

describe('orderPresets', () => {
  it('puts demos first, then templates in clinical order, then the user’s, then the clinic’s, each by name', () => {
    const host = [
      p('psilocybin-long', 'Psilocybin-style long session'),
      p('clinic-b', 'Zen evening', 'clinic'),
      p('iv-infusion', 'IV infusion'),
      p('mine', 'my quiet one', 'user'),
      p('intramuscular', 'Intramuscular injection'),
      p('demo', 'Demo: sublingual session'),
      p('clinic-a', 'Afternoon', 'clinic'),
      p('intranasal', 'Intranasal'),
      p('demo-quick', 'Demo: quick walk-through'),
      p('Mine-2', 'A user one', 'user'),
      p('future-template', 'Another built-in'),
      p('sublingual-troche', 'Sublingual or troche'),
    ];
    expect(orderPresets(host).map((x) => x.id)).toEqual([
      'demo-quick',
      'demo',
      'sublingual-troche',
      'intranasal',
      'intramuscular',
      'iv-infusion',
      'psilocybin-long',
      'future-template',
      'Mine-2',
      'mine',
      'clinic-a',
      'clinic-b',
    ]);
    expect(host[0]?.id).toBe('psilocybin-long'); // the input is left alone
  });

  it('keeps a user’s copy of a demo among the user’s presets', () => {
    const order = orderPresets([p('demo-copy', 'Demo (copy)', 'user'), p('intranasal', 'Intranasal'), p('demo', 'Demo')]);
    expect(order.map((x) => x.id)).toEqual(['demo', 'intranasal', 'demo-copy']);
  });
});

describe('sessionLength', () => {
  it('says minutes below an hour and a half, hours and minutes from there', () => {
    expect(sessionLength(5)).toBe('5 min');
    expect(sessionLength(89.6)).toBe('1 h 30 min'); // rounded first
    expect(sessionLength(89)).toBe('89 min');
    expect(sessionLength(90)).toBe('1 h 30 min');
    expect(sessionLength(135)).toBe('2 h 15 min');
    expect(sessionLength(150)).toBe('2 h 30 min');
    expect(sessionLength(420)).toBe('7 h');
    expect(sessionLength(-3)).toBe('0 min');
  });
});

const ref = (title: string, extra: Partial<TrackRef> = {}): TrackRef => ({ title, artist: 'A', durationS: 200, ...extra });
const missing = (phase: string, title: string): TrackProblem => ({
  phase,
  title,
  problem: 'not found in the music library',
  kind: 'missing',
});

describe('music check by phase', () => {
  it('without the preset, folds the host’s problems into one line per phase, in phase order', () => {
    const problems = [missing('Peak', 'c'), missing('Onset', 'a'), missing('Onset', 'b'), missing('Stray', 'z')];
    const groups = skipsByPhase(problems, ['Onset', 'Peak', 'Return']);
    expect(groups.map(phaseLine)).toEqual([
      'Onset: 2 tracks not in your library',
      'Peak: 1 track not in your library',
      'Stray: 1 track not in your library',
    ]);
    expect(groups[0]?.tracks.map((t) => t.title)).toEqual(['a', 'b']);
    expect(anyFromLibrary(problems)).toBe(true);
  });

  it('with the preset, counts each phase’s own tracks and lists a reused track under every phase that plays it', () => {
    const phases = [
      { name: 'Onset', playlist: [ref('a'), ref('b'), ref('a'), ref('found')] },
      { name: 'Peak', playlist: [ref('b'), ref('c')], fallback: [ref('bed')] },
      { name: 'Return', playlist: [ref('x', { asset: 'demo/x.ogg' }), ref('y', { asset: 'demo/x.ogg' })] },
    ];
    // The host names each track once, under the first phase that uses it.
    const problems = [missing('Onset', 'a'), missing('Onset', 'b'), missing('Peak', 'c'), missing('Peak', 'bed')];
    const groups = skipsByPhase(problems, ['Onset', 'Peak', 'Return'], phases);
    expect(groups.map(phaseLine)).toEqual(['Onset: 2 of 3 tracks not in your library', 'Peak: 3 of 3 tracks not in your library']);
    expect(groups[1]?.tracks.map((t) => `${t.phase}:${t.title}`)).toEqual(['Peak:b', 'Peak:c', 'Peak:bed']);
  });

  it('never says fewer in all than skipped, and keeps problems the preset walk could not place', () => {
    const phases = [{ name: 'Onset', playlist: [ref('a')] }];
    const groups = skipsByPhase([missing('Onset', 'a'), missing('Onset', 'renamed since')], ['Onset'], phases);
    expect(groups.map(phaseLine)).toEqual(['Onset: 2 of 2 tracks not in your library']);
  });

  it('spells out mixed reasons', () => {
    const problems: TrackProblem[] = [
      missing('Peak', 'a'),
      { phase: 'Peak', title: 'b', problem: 'file not found or not readable', kind: 'missing' },
      { phase: 'Peak', title: 'c', problem: 'not a readable audio file', kind: 'unplayable' },
    ];
    const phases = [{ name: 'Peak', playlist: ['a', 'b', 'c', 'd', 'e'].map((t) => ref(t)) }];
    expect(skipsByPhase(problems, ['Peak'], phases).map(phaseLine)).toEqual([
      'Peak: 3 of 5 tracks will be skipped (1 not in your library, 1 not found, 1 cannot be played)',
    ]);
    expect(anyFromLibrary(problems.slice(1))).toBe(false);
  });
});
