/** The header tells the truth about the music (issue 12.4). */
import { describe, expect, it } from 'vitest';
import { type MusicFacts, musicWord, outputName } from '../../../renderer/src/lib/musicStatus';

const base: MusicFacts = {
  flowing: true,
  blocked: false,
  problem: null,
  running: true,
  safe: false,
  ducked: false,
  levelDb: 0,
  muted: false,
};

describe('the music line', () => {
  it('says playing only when nothing holds the music down', () => {
    expect(musicWord(base)).toBe('playing');
    expect(musicWord({ ...base, ducked: true })).toBe('ducked');
    expect(musicWord({ ...base, levelDb: -6 })).toBe('lowered by 6 dB');
    expect(musicWord({ ...base, levelDb: -2.8 })).toBe('lowered by 2.8 dB');
    expect(musicWord({ ...base, safe: true, ducked: true, levelDb: -3 })).toBe('safe state (lowered), ducked, lowered by 3 dB');
    expect(musicWord({ ...base, muted: true, ducked: true })).toBe('muted');
  });

  it('says silent when nothing reaches the output, and why it may be held down', () => {
    expect(musicWord({ ...base, flowing: false })).toBe('silent');
    expect(musicWord({ ...base, flowing: false, safe: true })).toBe('silent — safe state (lowered)');
    expect(musicWord({ ...base, running: false, flowing: false, ducked: true })).toBe('silent');
  });

  it('a problem with the output or a blocked page comes first', () => {
    expect(musicWord({ ...base, problem: 'Audio output is not running.', ducked: true })).toBe('Audio output is not running.');
    expect(musicWord({ ...base, blocked: true })).toMatch(/click anywhere/);
  });

  it('names the output', () => {
    expect(outputName('', null)).toBe('system default output');
    expect(
      outputName('b', [
        { deviceId: 'a', label: 'Speakers' },
        { deviceId: 'b', label: 'Headphones' },
      ]),
    ).toBe('Headphones');
    expect(
      outputName('b', [
        { deviceId: 'a', label: '' },
        { deviceId: 'b', label: '' },
      ]),
    ).toBe('Output 2');
    expect(outputName('gone', [])).toBe('chosen output');
  });
});
