/**
 * Where the music should play (renderer/src/audio/sink.ts, pure): the chosen output by id,
 * else by name (another origin's id for the same headphones), else the default until it is
 * connected again — and what the panel says then.
 */
import { describe, expect, it } from 'vitest';
import { chooseSink, movedNotice } from '../../../renderer/src/audio/sink';

const speakers = { deviceId: 'aaa', label: 'Speakers' };
const phones = { deviceId: 'bbb', label: 'Headphones' };

describe('choosing the output', () => {
  it('the system default needs no device', () => {
    expect(chooseSink({ deviceId: '', label: '' }, [speakers, phones])).toEqual({ deviceId: '', reason: 'default' });
  });

  it('finds the chosen device by id, or by name when this origin gives it another id', () => {
    expect(chooseSink({ deviceId: 'bbb', label: 'Headphones' }, [speakers, phones])).toEqual({ deviceId: 'bbb', reason: 'chosen' });
    expect(chooseSink({ deviceId: 'zzz', label: 'Headphones' }, [speakers, phones])).toEqual({ deviceId: 'bbb', reason: 'chosen' });
  });

  it('plays on the default while the chosen device is not connected', () => {
    expect(chooseSink({ deviceId: 'bbb', label: 'Headphones' }, [speakers])).toEqual({ deviceId: '', reason: 'missing' });
    expect(movedNotice({ deviceId: 'bbb', label: 'Headphones' })).toBe('Headphones is not connected: music moved to the default output.');
    expect(movedNotice({ deviceId: 'bbb', label: '' })).toMatch(/^The chosen output is not connected/);
  });

  it('trusts the remembered id when the browser will not list devices', () => {
    expect(chooseSink({ deviceId: 'bbb', label: 'Headphones' }, null)).toEqual({ deviceId: 'bbb', reason: 'chosen' });
  });
});
