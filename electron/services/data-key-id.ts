/**
 * What a data folder remembers about its data key, so the key is never silently replaced:
 * `<data>/data-key.json` holds the key's id (which names its default key file) and a check
 * value (an HMAC made with the key — it proves a key is the right one and reveals nothing of
 * it). The id lives in the folder, not in its path: a moved, renamed or restored folder still
 * names its key.
 *
 * Also here: whether a folder already holds sealed data (journals). Durable writes are
 * `services/durable.ts`'s.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurably } from './durable';

export const KEY_ID_FILE = 'data-key.json';
const FORMAT = 'stillroom.data-key/1';
const ID_RE = /^[0-9a-f]{16,64}$/;

export interface DataKeyId {
  /** Names the default key file (`keys/<id>.key`) and appears in messages. */
  id: string;
  /** HMAC-SHA256 of a fixed label under the key, hex. */
  check: string;
}

/** The check value of a key (see the module comment). */
export function keyCheck(key: Buffer): string {
  return createHmac('sha256', key).update('stillroom data key check v1').digest('hex');
}

/** A new random key id. */
export function newKeyId(): string {
  return randomBytes(8).toString('hex');
}

/** True for text usable as a key id (also keeps a hostile file from naming a path). */
export function isKeyId(text: string): boolean {
  return ID_RE.test(text);
}

/** Reads the folder's key id, or null when it has none (or it is unreadable). */
export function readKeyId(dataDir: string): DataKeyId | null {
  try {
    const raw = JSON.parse(readFileSync(join(dataDir, KEY_ID_FILE), 'utf8')) as Partial<DataKeyId> & { format?: unknown };
    if (raw.format !== FORMAT || typeof raw.id !== 'string' || !isKeyId(raw.id) || typeof raw.check !== 'string') return null;
    return { id: raw.id, check: raw.check };
  } catch {
    return null;
  }
}

/** Writes the folder's key id durably. */
export function writeKeyId(dataDir: string, id: DataKeyId): void {
  const text = `${JSON.stringify({ format: FORMAT, id: id.id, check: id.check }, null, 2)}\n`;
  // A first start: the desktop app opens its key before anything else made its data folder.
  mkdirSync(dataDir, { recursive: true });
  writeDurably(join(dataDir, KEY_ID_FILE), Buffer.from(text), 0o644);
}

/** True when the folder holds journals sealed with a data key (they would be lost with it). */
export function hasSealedJournals(dataDir: string): boolean {
  const dir = join(dataDir, 'sessions');
  if (!existsSync(dir)) return false;
  const head = Buffer.alloc(8);
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.jsonl')) continue;
    let fd: number | null = null;
    try {
      fd = openSync(join(dir, name), 'r');
      const n = readSync(fd, head, 0, head.length, 0);
      const start = head.subarray(0, n).toString('latin1');
      if (start.startsWith('sr1:') || start.startsWith('#')) return true;
    } catch {
      /* unreadable: not evidence either way */
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }
  return false;
}
