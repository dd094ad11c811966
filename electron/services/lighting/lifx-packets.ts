/**
 * The LIFX LAN protocol's wire format, written by hand from the public spec: a 36-byte
 * little-endian header (frame, frame address, protocol header) and the few payloads Stillroom
 * needs. Pure; decoding validates sizes and never throws.
 */

export const LIFX_PORT = 56700;
export const HEADER_SIZE = 36;
const PROTOCOL = 1024;
const ADDRESSABLE = 1 << 12;
const TAGGED = 1 << 13;

export const MessageType = {
  GetService: 2,
  StateService: 3,
  Acknowledgement: 45,
  LightGet: 101,
  SetColor: 102,
  LightState: 107,
  SetLightPower: 117,
} as const;

export interface Header {
  size: number;
  tagged: boolean;
  source: number;
  /** Device MAC as 12 lowercase hex digits ('000000000000' for all devices). */
  target: string;
  ackRequired: boolean;
  resRequired: boolean;
  sequence: number;
  type: number;
}

export interface Hsbk {
  hue: number;
  saturation: number;
  brightness: number;
  kelvin: number;
}

const u16 = (v: number) => Math.max(0, Math.min(0xffff, Math.round(v)));
const u32 = (v: number) => Math.max(0, Math.min(0xffffffff, Math.round(v)));

export function encode(h: Omit<Header, 'size' | 'tagged'> & { tagged?: boolean }, payload: Buffer = Buffer.alloc(0)): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE + payload.length);
  buf.writeUInt16LE(buf.length, 0);
  buf.writeUInt16LE(PROTOCOL | ADDRESSABLE | (h.tagged ? TAGGED : 0), 2); // origin bits 0
  buf.writeUInt32LE(h.source >>> 0, 4);
  Buffer.from(h.target.padEnd(12, '0').slice(0, 12), 'hex').copy(buf, 8); // 6-byte MAC, then 2 zero bytes
  // bytes 16–21 reserved
  buf.writeUInt8((h.resRequired ? 1 : 0) | (h.ackRequired ? 2 : 0), 22);
  buf.writeUInt8(h.sequence & 0xff, 23);
  // bytes 24–31 reserved
  buf.writeUInt16LE(h.type, 32);
  // bytes 34–35 reserved
  payload.copy(buf, HEADER_SIZE);
  return buf;
}

export function decodeHeader(buf: Buffer): Header | null {
  if (buf.length < HEADER_SIZE) return null;
  const size = buf.readUInt16LE(0);
  const desc = buf.readUInt16LE(2);
  if (size !== buf.length || (desc & 0xfff) !== PROTOCOL) return null;
  const flags = buf.readUInt8(22);
  return {
    size,
    tagged: (desc & TAGGED) !== 0,
    source: buf.readUInt32LE(4),
    target: buf.subarray(8, 14).toString('hex'),
    resRequired: (flags & 1) !== 0,
    ackRequired: (flags & 2) !== 0,
    sequence: buf.readUInt8(23),
    type: buf.readUInt16LE(32),
  };
}

/** SetColor (102): reserved u8, HSBK, duration u32 ms (13 bytes). */
export function setColorPayload(c: Hsbk, durationMs: number): Buffer {
  const p = Buffer.alloc(13);
  p.writeUInt16LE(u16(c.hue), 1);
  p.writeUInt16LE(u16(c.saturation), 3);
  p.writeUInt16LE(u16(c.brightness), 5);
  p.writeUInt16LE(u16(c.kelvin), 7);
  p.writeUInt32LE(u32(durationMs), 9);
  return p;
}

/** SetLightPower (117): level u16 (0 or 65535), duration u32 ms (6 bytes). */
export function setPowerPayload(on: boolean, durationMs: number): Buffer {
  const p = Buffer.alloc(6);
  p.writeUInt16LE(on ? 0xffff : 0, 0);
  p.writeUInt32LE(u32(durationMs), 2);
  return p;
}

/** StateService (3): service u8 (1 = UDP), port u32. */
export function decodeStateService(p: Buffer): { service: number; port: number } | null {
  if (p.length !== 5) return null;
  return { service: p.readUInt8(0), port: p.readUInt32LE(1) };
}

export interface LightStatePayload {
  color: Hsbk;
  power: number;
  label: string;
}

/** LightState (107): HSBK, reserved i16, power u16, label [32], reserved u64 (52 bytes). */
export function decodeLightState(p: Buffer): LightStatePayload | null {
  if (p.length !== 52) return null;
  const end = p.indexOf(0, 12);
  const label = p
    .subarray(12, end >= 12 && end < 44 ? end : 44)
    .toString('utf8')
    .split('')
    .filter((ch) => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) !== 127)
    .join('');
  return {
    color: { hue: p.readUInt16LE(0), saturation: p.readUInt16LE(2), brightness: p.readUInt16LE(4), kelvin: p.readUInt16LE(6) },
    power: p.readUInt16LE(10),
    label,
  };
}

/** Builds a LightState payload (the test bulb answers with it). */
export function lightStatePayload(s: LightStatePayload): Buffer {
  const p = Buffer.alloc(52);
  p.writeUInt16LE(u16(s.color.hue), 0);
  p.writeUInt16LE(u16(s.color.saturation), 2);
  p.writeUInt16LE(u16(s.color.brightness), 4);
  p.writeUInt16LE(u16(s.color.kelvin), 6);
  p.writeUInt16LE(u16(s.power), 10);
  Buffer.from(s.label, 'utf8').subarray(0, 32).copy(p, 12);
  return p;
}

export function stateServicePayload(port: number): Buffer {
  const p = Buffer.alloc(5);
  p.writeUInt8(1, 0);
  p.writeUInt32LE(port, 1);
  return p;
}
