import { describe, expect, it } from 'vitest';
import { checkAddress, checkBaseUrl, checkHost, classifyAddress } from '../../../electron/services/lighting/address';

describe('local-network addresses only', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['172.31.255.1', 'private'],
    ['192.168.1.20', 'private'],
    ['169.254.10.1', 'link-local'],
    ['::1', 'loopback'],
    ['fd12:3456::1', 'unique-local'],
    ['fc00::5', 'unique-local'],
    ['fe80::1%eth0', 'link-local'],
    ['::ffff:192.168.0.4', 'private'],
    ['[fe80::2]', 'link-local'],
  ])('accepts %s (%s)', (ip, kind) => {
    const r = checkAddress(ip);
    expect(r.ok).toBe(true);
    expect(classifyAddress(ip)?.kind).toBe(kind);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.64.1.1', '2001:db8::1', '::ffff:8.8.4.4', '11.0.0.1'])(
    'refuses %s unless the user insists',
    (ip) => {
      const r = checkAddress(ip);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/not on the local network/);
      expect(checkAddress(ip, { insist: true }).ok).toBe(true);
    },
  );

  it.each(['0.0.0.0', '255.255.255.255', '224.0.0.251', '::', 'ff02::1'])('never accepts %s, even when insisting', (ip) => {
    const r = checkAddress(ip, { insist: true });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/cannot be a light/);
  });

  it.each(['', 'bridge', '999.1.1.1', '1.2.3', '192.168.1.1.1', 'fe80:::1', `${'a'.repeat(300)}`])(
    'says clearly when %j is not an IP',
    (ip) => {
      const r = checkAddress(ip);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/not an IP address/);
    },
  );

  it('resolves host names (injected lookup) and checks every address', async () => {
    expect((await checkHost('hue.local', { lookup: async () => ['192.168.1.2'] })).ok).toBe(true);
    const mixed = await checkHost('evil.example', { lookup: async () => ['192.168.1.2', '203.0.113.9'] });
    expect(mixed.ok).toBe(false);
    if (!mixed.ok) expect(mixed.error).toMatch(/evil\.example resolves to .*not on the local network/);
    const none = await checkHost('nowhere.local', {
      lookup: async () => {
        throw new Error('ENOTFOUND');
      },
    });
    expect(none).toEqual({ ok: false, error: 'could not find nowhere.local on the network' });
    expect((await checkHost('bad name!')).ok).toBe(false);
  });

  it('checks base URLs', async () => {
    expect((await checkBaseUrl('http://192.168.1.5:8123')).ok).toBe(true);
    expect((await checkBaseUrl('http://[::1]:8123')).ok).toBe(true);
    const cases: Array<[string, RegExp]> = [
      ['ftp://192.168.1.5', /only http/],
      ['not a url', /not a URL/],
      ['http://user:pw@192.168.1.5', /credentials/],
      ['https://203.0.113.5', /not on the local network/],
    ];
    for (const [url, re] of cases) {
      const r = await checkBaseUrl(url);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(re);
    }
  });
});
