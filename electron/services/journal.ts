/**
 * The session journal: one append-only JSONL file per session, fsynced per event, so a
 * power cut loses at most the event being written. Replay tolerates a truncated last line
 * (the usual mark of a power cut) by ignoring only that line and saying so.
 *
 * Encryption at rest: notes, vitals, doses and ratings are health information, so when the
 * host has a data key (`Vault`, electron/services/vault.ts) every line is written sealed
 * (AES-256-GCM, `sr1:…`, one event per line, so appending and a torn last line work exactly as
 * for plain lines). Reading accepts both: journals written before encryption stay readable, and
 * reopening one continues it with sealed lines. A line that does not open (another data key, or
 * altered on disk) is skipped with its reason, never fatal.
 *
 * What else is (not) encrypted, decided here once for the whole data folder:
 * - cue points (`cues.json`, per track file) and `panel.json` (theme, brightness, vitals ranges)
 *   hold no client information: plain;
 * - exported reports (`reports/`) are the therapist's deliberate export, made to be read,
 *   printed or handed over: plain, like a document saved from any other program;
 * - device secrets (Hue keys, Home Assistant tokens) are sealed by their own modules.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type NewSessionEvent, type SessionEvent, SessionEventSchema } from '../core/session';
import { Vault, VaultError } from './vault';

export interface JournalRead {
  events: SessionEvent[];
  /** Lines that could not be used, each with the reason (for the log; never fatal). */
  skipped: string[];
}

/**
 * Reads a journal file, sealed lines through `vault`, plain lines as they are. Bad lines are
 * skipped and reported, never thrown.
 */
export function readJournal(file: string, vault: Vault | null = null): JournalRead {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const events: SessionEvent[] = [];
  const skipped: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const isLast = i >= lines.length - 2 && !text.endsWith('\n');
    let json = line;
    if (Vault.isSealed(line)) {
      if (!vault) {
        skipped.push(`${file}:${i + 1}: encrypted line, but no data key is open — line ignored`);
        return;
      }
      try {
        json = vault.open(line);
      } catch (err) {
        const why = err instanceof VaultError ? err.message : String(err);
        skipped.push(`${file}:${i + 1}: ${isLast ? 'truncated last line (power cut?) ignored' : `${why} — line ignored`}`);
        return;
      }
    }
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      skipped.push(`${file}:${i + 1}: ${isLast ? 'truncated last line (power cut?) ignored' : 'unreadable line ignored'}`);
      return;
    }
    const parsed = SessionEventSchema.safeParse(raw);
    if (!parsed.success) {
      skipped.push(`${file}:${i + 1}: ${parsed.error.issues[0]?.message ?? 'invalid event'} — line ignored`);
      return;
    }
    events.push(parsed.data);
  });
  return { events, skipped };
}

/** An open journal that appends events durably. */
export class Journal {
  private fd: number;
  private seq: number;

  private constructor(
    readonly file: string,
    lastSeq: number,
    private readonly vault: Vault | null,
  ) {
    this.fd = openSync(file, 'a');
    this.seq = lastSeq;
  }

  /** Creates a new journal file for a session; its lines are sealed when a vault is given. */
  static create(dir: string, sessionId: string, vault: Vault | null = null): Journal {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${sessionId}.jsonl`);
    if (existsSync(file)) throw new Error(`a journal for session ${sessionId} already exists`);
    return new Journal(file, -1, vault);
  }

  /** Re-opens an existing journal to continue appending after `lastSeq` (sealed when a vault is given). */
  static reopen(file: string, lastSeq: number, vault: Vault | null = null): Journal {
    const j = new Journal(file, lastSeq, vault);
    // A truncated last line must not glue onto the next event.
    const text = readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) {
      writeSync(j.fd, '\n');
      fsyncSync(j.fd);
    }
    return j;
  }

  /** Appends one event and fsyncs before returning it: the event exists once this returns. */
  append(ev: NewSessionEvent): SessionEvent {
    const full = { ...ev, seq: this.seq + 1 } as SessionEvent;
    const json = JSON.stringify(full);
    writeSync(this.fd, `${this.vault ? this.vault.seal(json) : json}\n`);
    fsyncSync(this.fd);
    this.seq = full.seq;
    return full;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}

/** Lists journal files, newest name last (names start with a sortable timestamp). */
export function listJournals(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(dir, f));
}
