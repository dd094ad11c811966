/**
 * Inputs for the browser host's fuzz test, drawn with fast-check from a fixed seed (a failure
 * names its seed and replays exactly): WebSocket messages (every prototype property name as a
 * command, every JSON type as the message and as args, real commands with random args, real
 * messages mutated byte- and structure-wise, non-JSON text and binary) and HTTP requests
 * (random and mutated paths with bad percent-encoding and traversal, bad ranges, foreign
 * hosts and origins, huge headers, methods, raw malformed requests on a bare socket).
 */
import fc from 'fast-check';
import { COMMAND_NAMES, type CommandName } from '../../electron/host/contract';

/**
 * Real commands whose random or mutated arguments stay on this machine and cheap. Left out:
 * lights (discovery broadcasts on the local network; tests talk only to loopback), library
 * folders and imports (a mutated path could scan the whole disk), exports and reports (files
 * written outside the test folder), preset checks (loudness analysis of every track).
 */
export const SAFE_COMMANDS = [
  'startSession',
  'recordDose',
  'advancePhase',
  'extendPhase',
  'holdPhase',
  'resumePhase',
  'setSafeState',
  'skipTrack',
  'reportTrackFailed',
  'endSession',
  'addNote',
  'editNote',
  'deleteNote',
  'recordRepeatDose',
  'correctDose',
  'recordVitals',
  'recordRating',
  'recordAdverseEvent',
  'recordDischarge',
  'addReminder',
  'completeReminder',
  'snoozeReminder',
  'setMusicLevel',
  'setDuck',
  'setPanelPrefs',
  'setMute',
  'setOutputDevice',
  'searchLibrary',
  'getPreset',
  'libraryRefs',
  'cancelImport',
] as const satisfies ReadonlyArray<CommandName>;
const UNSAFE = new Set<string>(COMMAND_NAMES.filter((n) => !(SAFE_COMMANDS as readonly string[]).includes(n)));

/** Real, valid messages: the seeds the mutations start from. */
const CORPUS: ReadonlyArray<{ command: string; args: unknown }> = [
  { command: 'startSession', args: { presetId: 'demo-quick', clientAlias: 'A', intention: 'rest' } },
  { command: 'recordDose', args: { note: 'troche' } },
  { command: 'advancePhase', args: {} },
  { command: 'extendPhase', args: { minutes: 5 } },
  { command: 'holdPhase', args: {} },
  { command: 'resumePhase', args: {} },
  { command: 'setSafeState', args: { on: true } },
  { command: 'setSafeState', args: { on: false } },
  { command: 'skipTrack', args: {} },
  { command: 'reportTrackFailed', args: { trackId: 't1', reason: 'decode error' } },
  { command: 'addNote', args: { text: 'calm, breathing slowly', tags: ['calm'], private: false } },
  { command: 'editNote', args: { noteId: 'n1', text: 'edited', tags: [], private: true } },
  { command: 'deleteNote', args: { noteId: 'n1' } },
  { command: 'recordVitals', args: { values: { systolic: 120, diastolic: 80, heartRate: 70, spo2: 98 } } },
  { command: 'setMusicLevel', args: { db: -6 } },
  { command: 'setDuck', args: { on: true } },
  { command: 'setMute', args: { on: false } },
  { command: 'setPanelPrefs', args: { theme: 'night', brightness: 0.5 } },
  { command: 'searchLibrary', args: { query: 'water' } },
  { command: 'getPreset', args: { id: 'demo' } },
  { command: 'endSession', args: {} },
];

/** Every property name an object, function, array or string inherits, plus the classic traps. */
export function inheritedNames(): string[] {
  const names = new Set<string>(['__proto__', 'prototype', 'constructor', '__defineGetter__', 'then', 'toJSON']);
  for (const proto of [Object.prototype, Function.prototype, Array.prototype, String.prototype, Number.prototype, Promise.prototype]) {
    for (const n of Object.getOwnPropertyNames(proto)) names.add(n);
  }
  return [...names];
}

/** One value of each JSON type (and a few shapes that break naive code). */
export const JSON_TYPES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  '',
  'x',
  [],
  [1, 'a'],
  {},
  { a: 1 },
  JSON.parse('{"__proto__":{"command":"endSession","x":1}}'),
];

const jsonValue = fc.jsonValue({ maxDepth: 4 });

/**
 * The choices between inputs (fast-check draws the values themselves): mulberry32, a few
 * lines, seeded, so the same seed gives the same inputs.
 */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A whole number from `min` to `max`, both included (defaults: any 31-bit number). */
  nextInt(min = 0, max = 0x7fffffff): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  nextBoolean(): boolean {
    return this.next() < 0.5;
  }
}
const id = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(undefined), fc.boolean());

/** A real message with one structural change: a value replaced, a key dropped or added, the command renamed. */
function mutateStructure(seed: { command: string; args: unknown }, r: Rng): unknown {
  const args = structuredClone(seed.args) as Record<string, unknown>;
  const msg: Record<string, unknown> = { id: r.nextInt(-5, 1e6), command: seed.command, args };
  const keys = Object.keys(args);
  const pick = <T>(xs: readonly T[]): T => xs[r.nextInt(0, xs.length - 1)] as T;
  switch (r.nextInt(0, 7)) {
    case 0:
      if (keys.length) args[pick(keys)] = fc.sample(jsonValue, { seed: r.nextInt(), numRuns: 1 })[0];
      break;
    case 1:
      // A key dropped: often still valid (defaults fill it), so as with case 5 only one in
      // eight is left otherwise intact — every accepted command replans the session.
      if (keys.length) delete args[pick(keys)];
      if (r.nextInt(0, 7) > 0) args[pick(keys.length ? keys : ['x'])] = pick(JSON_TYPES);
      break;
    case 2:
      args[pick(['__proto__', 'constructor', 'extra', 'id', ''])] = pick(JSON_TYPES);
      break;
    case 3:
      msg.args = pick(JSON_TYPES);
      break;
    case 4:
      msg.command = pick(JSON_TYPES);
      break;
    case 5:
      // A strange id on an otherwise good message: the command may run (a few valid ones keep
      // the session's paths busy), so only one in eight of these keeps its arguments intact.
      msg.id = fc.sample(id, { seed: r.nextInt(), numRuns: 1 })[0];
      if (r.nextInt(0, 7) > 0) msg.args = pick(JSON_TYPES);
      break;
    case 6: {
      // Nest the arguments deep: validation must not recurse into trouble.
      let deep: unknown = args;
      for (let i = 0; i < r.nextInt(10, 2000); i++) deep = { a: deep };
      msg.args = deep;
      break;
    }
    default:
      if (keys.length) args[pick(keys)] = pick(['x'.repeat(r.nextInt(0, 100_000)), -0, 1e21, '\u0000', '\ud800', 'NaN']);
  }
  if (typeof msg.command === 'string' && UNSAFE.has(msg.command)) msg.command = 'unknownCommand';
  return msg;
}

/** A real message's text with bytes flipped, cut, repeated or inserted. */
function mutateText(text: string, r: Rng): string {
  let s = text;
  for (let n = r.nextInt(1, 4); n > 0; n--) {
    const at = r.nextInt(0, Math.max(0, s.length - 1));
    switch (r.nextInt(0, 4)) {
      case 0:
        s = s.slice(0, at) + String.fromCharCode(r.nextInt(0, 0xffff)) + s.slice(at + 1);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + r.nextInt(1, 10));
        break;
      case 2:
        s = s.slice(0, at) + s.slice(at, at + 8).repeat(r.nextInt(2, 50)) + s.slice(at);
        break;
      case 3:
        s = s.slice(0, at);
        break;
      default:
        s = s.slice(0, at) + pick3(r, ['"', '{', '}', '[', ']', ',', ':', '\\', 'null', '"__proto__"']) + s.slice(at);
    }
  }
  // A mutation that lands on a real command outside the safe list is made harmless.
  for (const name of UNSAFE) if (s.includes(`"${name}"`)) s = s.replaceAll(`"${name}"`, '"unknownCommand"');
  return s;
}

function pick3<T>(r: Rng, xs: readonly T[]): T {
  return xs[r.nextInt(0, xs.length - 1)] as T;
}

/** `count` WebSocket frames (text or binary), deterministic for `seed`. */
export function wsMessages(count: number, seed: number): Array<string | Buffer> {
  const out: Array<string | Buffer> = [];
  // Every inherited name, with every JSON type as its args.
  for (const name of inheritedNames()) for (const args of JSON_TYPES) out.push(JSON.stringify({ id: out.length, command: name, args }));
  // Every JSON type as the whole message, and as command and id.
  for (const v of JSON_TYPES) {
    out.push(JSON.stringify(v));
    out.push(JSON.stringify({ id: v, command: v, args: v }));
  }
  // Every safe real command with every JSON type as args.
  for (const name of SAFE_COMMANDS) for (const args of JSON_TYPES) out.push(JSON.stringify({ id: out.length, command: name, args }));
  const r = new Rng(seed);
  const randomJson = fc.sample(jsonValue, { seed, numRuns: Math.ceil(count / 6) });
  const randomText = fc.sample(fc.string({ unit: 'binary', maxLength: 200 }), { seed: seed + 1, numRuns: Math.ceil(count / 12) });
  let j = 0;
  let t = 0;
  while (out.length < count) {
    const seedMsg = CORPUS[r.nextInt(0, CORPUS.length - 1)] as (typeof CORPUS)[number];
    switch (r.nextInt(0, 9)) {
      case 0:
      case 1:
        out.push(JSON.stringify(mutateStructure(seedMsg, r)));
        break;
      case 2:
      case 3:
      case 4:
        out.push(mutateText(JSON.stringify({ id: out.length, ...seedMsg }), r));
        break;
      case 5:
        out.push(JSON.stringify(randomJson[j++ % randomJson.length]));
        break;
      case 6:
        out.push(JSON.stringify({ id: out.length, command: pick3(r, SAFE_COMMANDS), args: randomJson[j++ % randomJson.length] }));
        break;
      case 7:
        out.push(randomText[t++ % randomText.length] ?? '');
        break;
      case 8:
        out.push(Buffer.from(Array.from({ length: r.nextInt(0, 64) }, () => r.nextInt(0, 255))));
        break;
      default:
        out.push(JSON.stringify({ id: out.length, command: pick3(r, inheritedNames()), args: randomJson[j++ % randomJson.length] }));
    }
  }
  return out.slice(0, count);
}

export interface HttpCase {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** `count` HTTP requests a Node client can send (valid framing, hostile content). */
export function httpCases(count: number, seed: number, port: number, secret: string, trackIds: readonly string[]): HttpCase[] {
  const r = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r.nextInt(0, xs.length - 1)] as T;
  const host = `127.0.0.1:${port}`;
  const segs = fc.sample(fc.string({ unit: 'grapheme', maxLength: 30 }), { seed, numRuns: 500 });
  const pct = () =>
    pick(['%', '%E0', '%zz', '%00', '%2e%2e', '%2f', '%C0%AF', '%ff%fe', '%%', '%u0041', '%E0%A4%A', '..', '.', '//', '\\']);
  const token = () =>
    pick([
      `token=${secret}`,
      `token=${secret}`,
      'token=',
      'token=x',
      `token=${secret.slice(1)}`,
      `token=${secret}&token=x`,
      `token=${encodeURIComponent(secret)}%00`,
      '',
    ]);
  const range = () =>
    pick([
      'bytes=0-',
      'bytes=0-0',
      'bytes=-1',
      'bytes=-0',
      'bytes=5-1',
      'bytes=999999999999999999999-',
      'bytes=0-1,2-3',
      'bytes=abc',
      'bytes=-',
      'items=0-1',
      `bytes=${r.nextInt(-1e6, 1e9)}-${r.nextInt(-1e6, 1e9)}`,
      'bytes=0-9007199254740993',
      '',
    ]);
  const out: HttpCase[] = [];
  while (out.length < count) {
    const kind = r.nextInt(0, 9);
    const headers: Record<string, string> = { host };
    let path: string;
    if (kind <= 3) {
      const track = pick([...trackIds, 'nope', '__proto__', 'constructor', 'hasOwnProperty', '']);
      path = `/media/${pick([encodeURIComponent(track), track, pct(), `${track}${pct()}`])}?${token()}`;
      if (r.nextBoolean()) headers.range = range();
    } else if (kind <= 6) {
      path = `/${Array.from({ length: r.nextInt(0, 5) }, () => (r.nextBoolean() ? encodeURIComponent(pick(segs)) : pct())).join('/')}`;
      if (r.nextBoolean()) path += `?${token()}`;
    } else if (kind === 7) {
      path = pick([
        '/bridge',
        `/bridge?${token()}`,
        '/index.html',
        '/assets/app.js',
        '/assets/../../../etc/passwd',
        '/assets/%2e%2e/%2e%2e/x',
      ]);
    } else {
      path = `/${'a'.repeat(r.nextInt(1, 8000))}`;
    }
    switch (r.nextInt(0, 7)) {
      case 0:
        headers.host = pick(['evil.example', `localhost:${port}`, `127.0.0.1:${port + 1}`, '', `[::1]:${port}`]);
        break;
      case 1:
        headers.origin = pick(['https://evil.example', `http://127.0.0.1:${port}`, 'null', `http://127.0.0.1:${port + 1}`]);
        break;
      case 2:
        headers['sec-fetch-site'] = pick(['cross-site', 'same-site', 'same-origin', 'none', 'junk']);
        headers['sec-fetch-mode'] = pick(['navigate', 'no-cors', 'cors', 'websocket']);
        headers['sec-fetch-dest'] = pick(['document', 'iframe', 'audio', 'script', 'empty']);
        break;
      case 3:
        headers['x-big'] = 'x'.repeat(r.nextInt(1000, 20_000));
        break;
      default:
    }
    const method = r.nextInt(0, 9) < 7 ? pick(['GET', 'HEAD']) : pick(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']);
    out.push({ method, path, headers });
  }
  return out;
}

/** Requests no well-behaved client would send, for a bare socket: broken framing, bad upgrades, garbage. */
export function rawRequests(count: number, seed: number, port: number, secret: string): Buffer[] {
  const r = new Rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[r.nextInt(0, xs.length - 1)] as T;
  const host = `Host: 127.0.0.1:${port}\r\n`;
  const upgrade = (query: string, extra = '') =>
    `GET /bridge${query} HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n${extra}\r\n`;
  const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
  const templates: Array<() => string | Buffer> = [
    () => `GET /%E0 HTTP/1.1\r\n${host}\r\n`,
    () => `GET / HTTP/1.1\r\n${host}X: ${'y'.repeat(r.nextInt(17_000, 80_000))}\r\n\r\n`,
    () => `GET / HTTP/1.1\r\n${host}${'X-A: b\r\n'.repeat(r.nextInt(100, 3000))}\r\n`,
    () => `BREW /pot HTTP/1.1\r\n${host}\r\n`,
    () => `GET / HTTP/9.9\r\n${host}\r\n`,
    () => 'GET /\r\n\r\n',
    () => `GET / HTTP/1.1\r\n${host}Content-Length: -1\r\n\r\n`,
    () => `POST / HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\nzz\r\n`,
    () => `POST / HTTP/1.1\r\n${host}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    () => `GET / HTTP/1.1\r\n${host}Bad Header\r\n\r\n`,
    () => `GET / HTTP/1.1\r\n${host}`,
    () => Buffer.from(Array.from({ length: r.nextInt(1, 300) }, () => r.nextInt(0, 255))),
    () => upgrade(''),
    () => upgrade(`?token=${secret}`),
    () => upgrade(`?token=${secret}`, `${key}Sec-WebSocket-Version: 13\r\n`),
    () => upgrade(`?token=${secret}`, `${key}Sec-WebSocket-Version: 8\r\n`),
    () => upgrade(`?token=${secret}`, 'Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n'),
    () => upgrade(`?token=${secret}`, `${key}Sec-WebSocket-Version: 13\r\nOrigin: https://evil.example\r\n`),
    () => upgrade('?token=%E0', `${key}Sec-WebSocket-Version: 13\r\n`),
    // A good handshake followed by broken WebSocket frames (bad opcodes, unmasked, huge lengths).
    () =>
      Buffer.concat([
        Buffer.from(upgrade(`?token=${secret}`, `${key}Sec-WebSocket-Version: 13\r\n`)),
        Buffer.from(Array.from({ length: r.nextInt(2, 64) }, () => r.nextInt(0, 255))),
      ]),
    () =>
      Buffer.concat([
        Buffer.from(upgrade(`?token=${secret}`, `${key}Sec-WebSocket-Version: 13\r\n`)),
        Buffer.from([0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      ]),
    () => pick([`GET ${'/'.repeat(r.nextInt(1, 10_000))} HTTP/1.1\r\n${host}\r\n`, `GET /?${'a=b&'.repeat(4000)} HTTP/1.1\r\n${host}\r\n`]),
  ];
  return Array.from({ length: count }, () => {
    const t = pick(templates)();
    return typeof t === 'string' ? Buffer.from(t, 'latin1') : t;
  });
}
