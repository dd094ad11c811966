/**
 * Files that change under a running session (electron/core/track-files.ts): what counts as a
 * change, and which tracks' files are looked at when.
 */
import { describe, expect, it } from 'vitest';
import type { AudioSegment } from '../../../electron/core/timeline';
import { FILE_CHECK, fileChangeReason, tracksToCheck } from '../../../electron/core/track-files';

const stamp = { size: 4_000_000, mtimeMs: 1_700_000_000_000 };

describe('a file that changed', () => {
  it('is unchanged when its size and modification time are as the session first saw them', () => {
    expect(fileChangeReason(stamp, { ...stamp })).toBeNull();
  });

  it('has nothing to compare with before the session has seen it (only its absence counts)', () => {
    expect(fileChangeReason(undefined, stamp)).toBeNull();
    expect(fileChangeReason(undefined, null)).toMatch(/moved or deleted/);
  });

  it('gone, cut short, grown or re-written are each a failure, said plainly', () => {
    expect(fileChangeReason(stamp, null)).toBe('the file was moved or deleted during the session');
    expect(fileChangeReason(stamp, { ...stamp, size: 1_000_000 })).toBe('the file was cut short during the session (1 MB of 4 MB left)');
    expect(fileChangeReason(stamp, { ...stamp, size: 900 })).toMatch(/\(1 kB of 4 MB left\)/);
    expect(fileChangeReason(stamp, { ...stamp, size: 5_000_000 })).toMatch(/replaced or re-written/);
    expect(fileChangeReason(stamp, { ...stamp, mtimeMs: stamp.mtimeMs + 1 })).toMatch(/replaced or re-written/);
  });
});

const seg = (trackId: string, start: number, end: number, extra: Partial<AudioSegment> = {}): AudioSegment => ({
  id: `s-${trackId}-${start}`,
  trackId,
  phaseIndex: 0,
  start,
  fadeInMs: 3000,
  offsetS: 0,
  fadeOutStart: end - 3000,
  end,
  gain: 1,
  ...extra,
});

describe('which files are looked at', () => {
  const now = 1_000_000;
  const segments = [
    seg('playing', now - 60_000, now + 20_000),
    seg('soon', now + 17_000, now + 200_000),
    seg('later', now + 60_000, now + 400_000),
    seg('far', now + 120_000, now + 500_000),
    seg('over', now - 300_000, now - 1),
    seg('cut', now - 10_000, now + 5_000, { failedAt: now - 2000 }),
  ];
  const none = () => false;

  it('playing and soon-due tracks every second, those up to 90 s ahead every 10 s, nothing further or over', () => {
    expect(tracksToCheck(segments, now, new Map(), none)).toEqual(['playing', 'soon', 'later']);
    const last = new Map([
      ['playing', now - FILE_CHECK.soonEveryMs],
      ['soon', now - 400],
      ['later', now - FILE_CHECK.soonEveryMs],
    ]);
    expect(tracksToCheck(segments, now, last, none)).toEqual(['playing']);
    last.set('later', now - FILE_CHECK.laterEveryMs);
    expect(tracksToCheck(segments, now, last, none)).toEqual(['playing', 'later']);
  });

  it('a timer a few milliseconds early still checks each second', () => {
    expect(tracksToCheck(segments, now, new Map([['playing', now - 980]]), none)).toContain('playing');
  });

  it('leaves failed tracks alone, and lists a repeated track once', () => {
    const repeated = [...segments, seg('playing', now + 30_000, now + 90_000)];
    expect(tracksToCheck(repeated, now, new Map(), (id) => id === 'soon')).toEqual(['playing', 'later']);
  });
});
