/**
 * The session journal: one append-only JSONL file per session, fsynced per event, so a
 * power cut loses at most the event being written. Replay tolerates a truncated last line
 * (the usual mark of a power cut) by ignoring only that line and saying so.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type NewSessionEvent, type SessionEvent, SessionEventSchema } from '../core/session';

export interface JournalRead {
  events: SessionEvent[];
  /** Lines that could not be used, each with the reason (for the log; never fatal). */
  skipped: string[];
}

/** Reads a journal file. Bad lines are skipped and reported, never thrown. */
export function readJournal(file: string): JournalRead {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const events: SessionEvent[] = [];
  const skipped: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const isLast = i >= lines.length - 2 && !text.endsWith('\n');
    let raw: unknown;
    try {
      raw = JSON.parse(line);
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
  ) {
    this.fd = openSync(file, 'a');
    this.seq = lastSeq;
  }

  /** Creates a new journal file for a session. */
  static create(dir: string, sessionId: string): Journal {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${sessionId}.jsonl`);
    if (existsSync(file)) throw new Error(`a journal for session ${sessionId} already exists`);
    return new Journal(file, -1);
  }

  /** Re-opens an existing journal to continue appending after `lastSeq`. */
  static reopen(file: string, lastSeq: number): Journal {
    const j = new Journal(file, lastSeq);
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
    writeSync(this.fd, `${JSON.stringify(full)}\n`);
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
