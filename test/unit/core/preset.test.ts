/**
 * Preset files come from other clinics: every problem must be refused with a message that
 * names where in the file it is, and nothing in a file may reach into the app's objects.
 */
import { describe, expect, it } from 'vitest';
import { formatPath, PRESET_FORMAT, PresetError, parsePreset } from '../../../electron/core/preset';
import { sublingualPreset } from '../../fixtures/plans';

const good = (): Record<string, unknown> => JSON.parse(JSON.stringify(sublingualPreset())) as Record<string, unknown>;

/** The PresetError thrown for `text` (fails the test when nothing is thrown). */
function refusal(text: string, source = 'friend.stillroom.json'): PresetError {
  try {
    parsePreset(text, source);
  } catch (err) {
    expect(err).toBeInstanceOf(PresetError);
    return err as PresetError;
  }
  throw new Error('preset was accepted');
}

describe('parsePreset', () => {
  it('accepts a valid preset and round-trips it', () => {
    const p = sublingualPreset();
    expect(parsePreset(JSON.stringify(p), 'x.json')).toEqual(p);
  });

  it('fills in defaults for optional fields', () => {
    const raw = good();
    const phases = raw.phases as Array<Record<string, unknown>>;
    for (const ph of phases) {
      delete ph.crossfadeS;
      delete ph.runOut;
      delete ph.volume;
      delete ph.untilDose;
    }
    delete raw.reminders;
    const p = parsePreset(JSON.stringify(raw), 'x.json');
    expect(p.phases[0]).toMatchObject({ crossfadeS: 8, runOut: 'repeat', volume: 0.8, untilDose: false });
    expect(p.reminders).toEqual([]);
  });

  it('names the JSON path of a bad field, e.g. phases[1].light.level', () => {
    const raw = good();
    const phases = raw.phases as Array<{ light: { level: number } }>;
    (phases[1] as { light: { level: number } }).light.level = 140;
    const err = refusal(JSON.stringify(raw));
    expect(err.source).toBe('friend.stillroom.json');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^phases\[1\]\.light\.level: /);
    expect(err.message).toContain('friend.stillroom.json');
    expect(err.message).toContain('phases[1].light.level');
  });

  it('names every problem (up to ten) with its own path', () => {
    const raw = good();
    const phases = raw.phases as Array<Record<string, unknown>>;
    (phases[0] as Record<string, unknown>).crossfadeS = 60;
    const pl = (phases[2] as { playlist: Array<Record<string, unknown>> }).playlist;
    (pl[3] as Record<string, unknown>).isrc = 'not-an-isrc';
    (raw.reminders as Array<Record<string, unknown>>)[0] = { id: 'Bad Id', label: 'x', anchor: 'dose', offsetMin: 1 };
    const err = refusal(JSON.stringify(raw));
    const paths = err.problems.map((p) => p.split(': ')[0]);
    expect(paths).toEqual(expect.arrayContaining(['phases[0].crossfadeS', 'phases[2].playlist[3].isrc', 'reminders[0].id']));
    expect(err.problems.join('\n')).toContain('an ISRC looks like CCXXXYYNNNNN');
  });

  it('refuses unknown keys (strict), naming where they are', () => {
    const raw = good();
    (raw.phases as Array<Record<string, unknown>>)[0] = { ...(raw.phases as Array<Record<string, unknown>>)[0], colour: 'red' };
    const err = refusal(JSON.stringify(raw));
    expect(err.problems[0]).toMatch(/^phases\[0\]/);
    expect(err.problems[0]).toContain('colour');
  });

  it('refuses asset paths that leave assets/', () => {
    for (const asset of ['../secret.ogg', '/etc/passwd', 'demo/../../x.ogg']) {
      const raw = good();
      const pl = ((raw.phases as Array<{ playlist: Array<Record<string, unknown>> }>)[0] as { playlist: Array<Record<string, unknown>> })
        .playlist;
      (pl[0] as Record<string, unknown>).asset = asset;
      const err = refusal(JSON.stringify(raw));
      expect(err.problems[0], asset).toMatch(/^phases\[0\]\.playlist\[0\]\.asset: /);
    }
  });

  it('refuses a newer format and tells the user to update Stillroom', () => {
    const raw = { ...good(), format: 'stillroom.preset/2' };
    const err = refusal(JSON.stringify(raw));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toContain('stillroom.preset/2');
    expect(err.problems[0]).toContain(PRESET_FORMAT);
    expect(err.problems[0]).toMatch(/update/i);
  });

  it('refuses a file that is not a Stillroom preset, naming the format field', () => {
    const err = refusal(JSON.stringify({ ...good(), format: 'something-else/1' }));
    expect(err.problems[0]).toMatch(/^format: /);
    expect(err.problems[0]).not.toMatch(/update/i);
    expect(refusal('[]').problems[0]).toMatch(/^\(top level\): /);
    expect(refusal('null').problems[0]).toMatch(/^\(top level\): /);
  });

  it('refuses invalid JSON with a clear message', () => {
    const err = refusal('{"format": "stillroom.preset/1", ', 'broken.json');
    expect(err.problems[0]).toMatch(/^not valid JSON/);
    expect(err.message).toMatch(/^broken\.json: not valid JSON/);
  });

  it('refuses oversize text before parsing it', () => {
    const big = `{"format":"stillroom.preset/1","description":"${'x'.repeat(2 * 1024 * 1024)}"}`;
    const err = refusal(big);
    expect(err.problems).toEqual(['file is larger than 2 MiB']);
  });

  it('__proto__ keys do not pollute Object.prototype', () => {
    const raw = good();
    const text = JSON.stringify(raw)
      .replace('{', '{"__proto__":{"polluted":"yes"},')
      .replace('"light":{', '"light":{"__proto__":{"level":5,"polluted":"yes"},');
    const err = refusal(text, 'evil.json');
    // Strict schema: the key is refused by name rather than silently merged.
    expect(err.problems.join('\n')).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('level');
    // A constructor.prototype trick does not get through either.
    const ctor = JSON.stringify({ ...raw, constructor: { prototype: { polluted: 'yes' } } });
    expect(() => parsePreset(ctor, 'evil2.json')).toThrow(PresetError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('formatPath', () => {
  it('formats zod paths the way a person reads them', () => {
    expect(formatPath(['phases', 2, 'light', 'level'])).toBe('phases[2].light.level');
    expect(formatPath([0, 'x'])).toBe('[0].x');
    expect(formatPath([])).toBe('(top level)');
  });
});
