/**
 * Which addresses Stillroom may talk to. Lights live on the clinic's own network, so anything
 * that is not a local-network address (RFC 1918, link-local, loopback, IPv6 ULA/link-local) is
 * refused unless the user explicitly insists; a refusal says why and what to do.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Result } from './driver';

export type AddressKind = 'loopback' | 'private' | 'link-local' | 'unique-local' | 'public' | 'unusable';

export interface CheckedAddress {
  address: string;
  family: 4 | 6;
  kind: AddressKind;
}

function v4Octets(ip: string): number[] | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  const n = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
  return n.every((x) => x >= 0 && x <= 255) ? n : null;
}

function classifyV4(o: number[]): AddressKind {
  const [a = 0, b = 0] = o;
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 0 || a >= 224) return 'unusable'; // unspecified, multicast, reserved, broadcast
  return 'public';
}

/** Expands an IPv6 text form to eight 16-bit groups (null when malformed). */
function v6Groups(ip: string): number[] | null {
  let text = ip.split('%')[0] ?? '';
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const o = v4Octets(maybeV4);
    if (!o) return null;
    tail = [((o[0] ?? 0) << 8) | (o[1] ?? 0), ((o[2] ?? 0) << 8) | (o[3] ?? 0)];
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) =>
    s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16) : Number.NaN));
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...rest];
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null;
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups;
}

function classifyV6(g: number[]): AddressKind {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0) {
    if (g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
    if (g5 === 0 && g6 === 0 && g7 === 0) return 'unusable';
    if (g5 === 0xffff) return classifyV4([g6 >> 8, g6 & 255, g7 >> 8, g7 & 255]); // IPv4-mapped
  }
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xff00) === 0xff00) return 'unusable'; // multicast
  return 'public';
}

/** What kind of address `ip` is (a literal IPv4 or IPv6 address), or null when it is not an IP. */
export function classifyAddress(ip: string): CheckedAddress | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const fam = isIP(bare.split('%')[0] ?? '');
  if (fam === 4) {
    const o = v4Octets(bare);
    return o ? { address: bare, family: 4, kind: classifyV4(o) } : null;
  }
  if (fam === 6) {
    const g = v6Groups(bare);
    return g ? { address: bare, family: 6, kind: classifyV6(g) } : null;
  }
  return null;
}

export interface AddressPolicy {
  /** The user confirmed a non-local address on purpose. */
  insist?: boolean;
}

const LOCAL: readonly AddressKind[] = ['loopback', 'private', 'link-local', 'unique-local'];

/** Accepts a literal IP address when it is on the local network (or `insist` is set). */
export function checkAddress(ip: string, policy: AddressPolicy = {}): Result<CheckedAddress> {
  const c = classifyAddress(ip.trim());
  if (!c) return { ok: false, error: `"${short(ip)}" is not an IP address (expected e.g. 192.168.1.20 or fe80::1)` };
  if (c.kind === 'unusable') return { ok: false, error: `${c.address} cannot be a light (unspecified, multicast or broadcast address)` };
  if (LOCAL.includes(c.kind) || policy.insist) return { ok: true, value: c };
  return {
    ok: false,
    error: `${c.address} is not on the local network; Stillroom only talks to lights in the room. Confirm it explicitly if this is really your device.`,
  };
}

export type Lookup = (host: string) => Promise<string[]>;

const systemLookup: Lookup = async (host) => (await dnsLookup(host, { all: true })).map((a) => a.address);

/**
 * Accepts a host name or IP when every address it resolves to is local (or `insist` is set).
 * Name lookup is injectable; a name that resolves nowhere is a clear error, not a crash.
 */
export async function checkHost(host: string, policy: AddressPolicy & { lookup?: Lookup } = {}): Promise<Result<CheckedAddress>> {
  const h = host.trim();
  if (classifyAddress(h)) return checkAddress(h, policy);
  if (!/^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*\.?$/i.test(h) || h.length > 253) {
    return { ok: false, error: `"${short(host)}" is neither an IP address nor a host name` };
  }
  let addrs: string[];
  try {
    addrs = await (policy.lookup ?? systemLookup)(h);
  } catch {
    addrs = [];
  }
  if (addrs.length === 0) return { ok: false, error: `could not find ${h} on the network` };
  let first: CheckedAddress | null = null;
  for (const a of addrs) {
    const r = checkAddress(a, policy);
    if (!r.ok) return { ok: false, error: `${h} resolves to ${r.error}` };
    first ??= r.value;
  }
  return first ? { ok: true, value: first } : { ok: false, error: `could not find ${h} on the network` };
}

/** Checks a base URL (Home Assistant, a Hue bridge by URL): http(s) only, host on the local network. */
export async function checkBaseUrl(raw: string, policy: AddressPolicy & { lookup?: Lookup } = {}): Promise<Result<URL>> {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, error: `"${short(raw)}" is not a URL (expected e.g. http://192.168.1.5:8123)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, error: `only http:// and https:// addresses are supported, not ${url.protocol}` };
  if (url.username || url.password) return { ok: false, error: 'put credentials in the token field, not in the address' };
  const host = await checkHost(url.hostname, policy);
  if (!host.ok) return host;
  return { ok: true, value: url };
}

const short = (s: string): string => (s.length > 60 ? `${s.slice(0, 57)}…` : s);
