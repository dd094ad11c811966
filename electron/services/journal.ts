/**
 * The session journal: one append-only JSONL file per session, fsynced per event.
 *
 * Promise: `append` returns only once the whole line is on disk (every byte written, fsync
 * done); otherwise it throws `JournalWriteError`, whose message is written for the therapist
 * ("The disk is full: this note was not saved…"), and the file is cut back to where that
 * line began — a refused event leaves nothing behind, and the next one starts on a clean line.
 * The journal stays open: the session goes on once there is room again.
 *
 * Encryption at rest: notes, vitals, doses and ratings are health information, so when the
 * host has a data key (`Vault`, electron/services/vault.ts) every line is sealed (AES-256-GCM)
 * and bound to its session and entry number as associated data (`#<seq> sr2:…`, see
 * journal-replay.ts, which reads every older format too). Reopening an old journal continues
 * it with bound lines.
 *
 * What else is (not) encrypted, decided here once for the whole data folder:
 * - cue points (`cues.json`, per track file) and `panel.json` (theme, brightness, vitals ranges)
 *   hold no client information: plain;
 * - exported reports (`reports/`) are the therapist's deliberate export, made to be read,
 *   printed or handed over: plain, like a document saved from any other program;
 * - device secrets (Hue keys, Home Assistant tokens) are sealed by their own modules.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { NewSessionEvent, SessionEvent } from '../core/session';
import { fsyncFolder, writeAll } from './durable';
import { type JournalOrigin, lineContext, sessionIdOf } from './journal-replay';
import type { Vault } from './vault';

export { integrityNotice, type JournalIntegrity, type JournalRead, readJournal } from './journal-replay';

/**
 * The file operations the journal needs, so a test can make the disk fail at any byte
 * (`nodeJournalFiles` is the real thing). Each throws like node:fs does.
 */
export interface JournalFiles {
  /** Writes at `position`; returns how many bytes went down (possibly fewer than asked). */
  write(fd: number, data: Buffer, offset: number, length: number, position: number): number;
  fsync(fd: number): void;
  truncate(fd: number, length: number): void;
}

export const nodeJournalFiles: JournalFiles = {
  write: (fd, data, offset, length, position) => writeSync(fd, data, offset, length, position),
  fsync: (fd) => fsyncSync(fd),
  truncate: (fd, length) => ftruncateSync(fd, length),
};

export interface JournalOptions {
  files?: JournalFiles;
}

/** What a refused event was, in the therapist's words. */
function whatWasLost(type: SessionEvent['type']): string {
  switch (type) {
    case 'NoteAdded':
      return 'this note was not saved';
    case 'NoteEdited':
    case 'NoteDeleted':
      return 'this change to the note was not saved';
    case 'VitalsRecorded':
      return 'these vitals were not saved';
    case 'DoseGiven':
    case 'DoseRepeated':
    case 'DoseCorrected':
      return 'this dose was not saved';
    case 'SessionStarted':
      return 'the session was not started';
    default:
      return 'this change was not saved';
  }
}

/** A journal write that did not happen (disk full, read-only, failing). Nothing of it is on disk. */
export class JournalWriteError extends Error {
  override name = 'JournalWriteError';
  readonly code: string;
  constructor(type: SessionEvent['type'], cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | null)?.code ?? 'EIO';
    const lost = whatWasLost(type);
    const goesOn = type === 'SessionStarted' ? '' : ' The session goes on.';
    const message =
      code === 'ENOSPC'
        ? `The disk is full: ${lost}. Free some space on this computer’s disk, then try again.${goesOn}`
        : code === 'EDQUOT'
          ? `Your disk quota is used up: ${lost}. Free some space in your account, then try again.${goesOn}`
          : code === 'EROFS'
            ? `The disk has become read-only: ${lost}. Check the disk, then try again.${goesOn}`
            : `The disk could not be written (${code}): ${lost}. Try again; if it keeps failing, write it on paper.${goesOn}`;
    super(message, { cause });
    this.code = code;
  }
}

/** An open journal that appends events durably. */
export class Journal {
  private readonly fd: number;
  private seq: number;
  /** Where the last acknowledged line ends; nothing after it is ever kept. */
  private end: number;
  /** A failed write may have left bytes after `end` that could not be cut yet. */
  private dirty = false;
  private readonly sessionId: string;
  private readonly files: JournalFiles;

  private constructor(
    readonly file: string,
    fd: number,
    lastSeq: number,
    private readonly vault: Vault | null,
    private readonly origin: JournalOrigin,
    opts: JournalOptions,
  ) {
    this.fd = fd;
    this.seq = lastSeq;
    this.end = fstatSync(fd).size;
    this.sessionId = sessionIdOf(file);
    this.files = opts.files ?? nodeJournalFiles;
  }

  /** Creates a new journal file for a session; its lines are sealed when a vault is given. */
  static create(dir: string, sessionId: string, vault: Vault | null = null, opts: JournalOptions = {}): Journal {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${sessionId}.jsonl`);
    if (existsSync(file)) throw new Error(`a journal for session ${sessionId} already exists`);
    const fd = openSync(file, 'wx+', 0o600);
    fsyncFolder(dir);
    return new Journal(file, fd, -1, vault, 'new', opts);
  }

  /**
   * Re-opens an existing journal to continue appending after `lastSeq` (sealed when a vault is
   * given). A torn last line — a crash mid-write, so never acknowledged — is cut off, so it
   * neither glues onto the next event nor shows up later as a damaged line in the middle.
   */
  static reopen(file: string, lastSeq: number, vault: Vault | null = null, opts: JournalOptions = {}): Journal {
    const text = readFileSync(file, 'utf8');
    const whole = text.slice(0, text.lastIndexOf('\n') + 1);
    // Lines in an older format before ours: the bound lines say the journal was continued.
    const continued = whole.split('\n').some((l) => l.trim() !== '' && !l.startsWith('#'));
    const fd = openSync(file, 'r+');
    const j = new Journal(file, fd, lastSeq, vault, continued ? 'continued' : 'new', opts);
    if (whole.length < text.length) {
      j.end = Buffer.byteLength(whole, 'utf8');
      j.dirty = true;
      try {
        j.cutBack();
      } catch {
        /* tried again before the next append */
      }
    }
    return j;
  }

  /** Cuts anything after the last acknowledged line (left by a failed write or a crash). */
  private cutBack(): void {
    this.files.truncate(this.fd, this.end);
    this.files.fsync(this.fd);
    this.dirty = false;
  }

  private encode(ev: SessionEvent): string {
    const json = JSON.stringify(ev);
    if (!this.vault) return json;
    return `#${ev.seq} ${this.vault.seal(json, lineContext(this.sessionId, ev.seq, this.origin))}`;
  }

  /**
   * Appends one event and fsyncs before returning it: the event exists once this returns.
   * Throws `JournalWriteError` (a message for the therapist) when it could not; then nothing
   * of it is on disk.
   */
  append(ev: NewSessionEvent): SessionEvent {
    const full = { ...ev, seq: this.seq + 1 } as SessionEvent;
    const line = Buffer.from(`${this.encode(full)}\n`, 'utf8');
    const start = this.end;
    try {
      if (this.dirty) this.cutBack();
      writeAll(this.fd, line, start, (fd, data, offset, length, at) => this.files.write(fd, data, offset, length, at));
      this.files.fsync(this.fd);
    } catch (err) {
      this.dirty = true;
      try {
        this.cutBack();
      } catch {
        /* still dirty: cut before the next write */
      }
      throw new JournalWriteError(full.type, err);
    }
    this.end = start + line.length;
    this.seq = full.seq;
    return full;
  }

  close(): void {
    try {
      if (this.dirty) this.cutBack();
    } catch {
      /* the next reopen cuts a torn tail */
    }
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
