import { describe, expect, it } from 'vitest';
import { shortSessionId } from '../../../electron/core/report';
import { slug } from '../../../electron/core/slug';

describe('slug: the one file-name cleaner', () => {
  it('folds accents, lowers case and joins words with one dash', () => {
    expect(slug('Gymnopédie No. 1')).toBe('gymnopedie-no-1');
    expect(slug('  Ketamine — Deep rest (2)  ')).toBe('ketamine-deep-rest-2');
    expect(slug('Crème Brûlée / Œuvre')).toBe('creme-brulee-uvre');
  });

  it('never leaves a path separator, a dot or a dangling dash, even when cut', () => {
    const s = slug('../../etc/passwd .. \\windows\\system32', { max: 12 });
    expect(s).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(s.length).toBeLessThanOrEqual(12);
    expect(slug('abc def', { max: 4 })).toBe('abc');
  });

  it('answers the fallback when nothing is left (Greek, emoji, punctuation)', () => {
    expect(slug('Ψυχή 🌙', { fallback: 'preset' })).toBe('preset');
    expect(slug('!!!')).toBe('');
  });

  it('can drop separators altogether (the report’s short session id)', () => {
    expect(slug('a-B_c d', { separator: '' })).toBe('abcd');
    expect(shortSessionId('2024-05-01T10:00:00.000Z-3f9a2c')).toBe('3f9a2c');
    expect(shortSessionId('Session #12 (Ä)')).toBe('ssion12a');
    expect(shortSessionId('—')).toBe('session');
  });
});
