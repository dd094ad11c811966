/**
 * Refusals a person can act on: which field, what is wrong, in plain words — from zod issues
 * parsed with the map, from issues parsed without it (zod's default wording, reworded), and
 * from broken JSON. A schema's own message stays as written.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jsonProblem, plainErrorMap, plainIssues, RAW_WORDING } from '../../../electron/core/plain-errors';
import { type PresetError, parsePreset } from '../../../electron/core/preset';

const Schema = z
  .object({
    name: z.string().trim().min(1).max(5),
    count: z.number().int().min(0).max(10),
    ratio: z.number().positive(),
    kind: z.enum(['peak', 'onset']),
    format: z.literal('stillroom.preset/1'),
    isrc: z.string().regex(/^[A-Z]{2}\d+$/, 'an ISRC looks like CCXXXYYNNNNN'),
    tags: z.array(z.string()).min(1).max(2),
    id: z.string().uuid(),
    either: z.union([z.string(), z.number()]),
    code: z.string().regex(/^x+$/),
  })
  .strict();

const input = {
  count: 1.5,
  ratio: 0,
  kind: 'plateau',
  format: 'other',
  isrc: 'nope',
  tags: [],
  id: 'not-an-id',
  either: null,
  code: 'y',
  colour: 'red',
};

const EXPECTED = [
  '(top level): unknown field "colour" — remove it or check the spelling',
  'name: missing — it must be text',
  'count: must be a whole number, not 1.5',
  'ratio: must be more than 0',
  'kind: must be one of "peak" or "onset" (found the text "plateau")',
  'format: must be "stillroom.preset/1" (found the text "other")',
  'isrc: an ISRC looks like CCXXXYYNNNNN',
  'tags: needs at least one entry',
  'id: should be an id of the form 123e4567-e89b-12d3-a456-426614174000',
  'either: is none of the forms accepted here',
  'code: is not in the form expected here',
].sort();

describe('plain wording for schema refusals', () => {
  it('words every issue for a person when parsing with the map', () => {
    const r = Schema.safeParse(input, { error: plainErrorMap });
    expect(r.success).toBe(false);
    const lines = plainIssues(r.error?.issues ?? [], 20);
    expect([...lines].sort()).toEqual(EXPECTED);
    for (const l of lines) expect(l).not.toMatch(RAW_WORDING);
  });

  it('rewords zod’s default wording when an issue was parsed without the map', () => {
    const r = Schema.safeParse(input);
    const raw = (r.error?.issues ?? []).map((i) => i.message);
    expect(raw.some((m) => RAW_WORDING.test(m))).toBe(true); // what a person used to read
    const lines = plainIssues(r.error?.issues ?? [], 20);
    for (const l of lines) expect(l).not.toMatch(RAW_WORDING);
    expect(lines).toContain('name: missing — it must be text');
    expect(lines).toContain('kind: must be one of "peak" or "onset"');
    expect(lines).toContain('isrc: an ISRC looks like CCXXXYYNNNNN');
  });

  it('sizes read as a person counts them', () => {
    const S = z.object({ t: z.string().max(3), n: z.number().max(100), m: z.number().lt(5), l: z.array(z.number()).max(1) });
    const r = S.safeParse({ t: 'abcd', n: 140, m: 5, l: [1, 2] }, { error: plainErrorMap });
    expect(plainIssues(r.error?.issues ?? [])).toEqual([
      't: must be at most 3 characters long',
      'n: must be at most 100',
      'm: must be less than 5',
      'l: may have at most 1 entry',
    ]);
  });

  it('lists at most ten problems and says how many more there are', () => {
    const S = z.array(z.string());
    const r = S.safeParse(
      Array.from({ length: 14 }, (_, i) => i),
      { error: plainErrorMap },
    );
    const lines = plainIssues(r.error?.issues ?? []);
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('[0]: must be text, not the number 0');
    expect(lines[10]).toBe('(and more): 4 more problems not listed');
  });

  it('says where JSON breaks, not what the parser said', () => {
    const text = '{\n  "name": "x",\n  oops\n}';
    let caught: unknown;
    try {
      JSON.parse(text);
    } catch (err) {
      caught = err;
    }
    expect(jsonProblem(caught, text)).toBe('not valid JSON: a mistake at line 3, column 3');
    expect(jsonProblem(new SyntaxError('Unexpected end of JSON input'))).toBe('not valid JSON: the text ends too early (cut off?)');
  });

  it('a preset file missing its name is refused as the issue asked, not as the library words it', () => {
    const preset = { format: 'stillroom.preset/1', id: 'p', route: 'demo', phases: [] };
    let err: PresetError | null = null;
    try {
      parsePreset(JSON.stringify(preset), 'friend.stillroom.json');
    } catch (e) {
      err = e as PresetError;
    }
    expect(err?.problems).toContain('name: missing — it must be text');
    expect(err?.message).not.toMatch(RAW_WORDING);
  });
});
