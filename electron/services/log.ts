/**
 * The support log: what the host says about itself (start, resume, a device that stopped
 * answering, a command that failed), kept in `<data>/logs/` so a clinic can send it to whoever
 * supports them — never health information. Both shells write to it; rotation by size with the
 * classic numbered files (`stillroom.log`, `stillroom.1.log` … `stillroom.4.log`, 1 MiB each),
 * through rotating-file-stream. Files are 0600 in a 0700 folder.
 *
 * No PHI by construction: the host's lines name sessions by id and tracks by id or title, never
 * a client alias, an intention or a note. As a second guard, `scrub` blanks any text the host
 * registers as private (the running session's alias and intention) before a line is written.
 * Never throws: a log that cannot be written is skipped, and the session goes on.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

export const LOG_FILE = 'stillroom.log';
const KEEP_FILES = 4;
/** Longest "Save support log" waits for lines still being written (a stalled disk must not hang it). */
const READ_WAIT_MS = 2_000;

export interface SupportLog {
  /** Writes one line (with the time) to the file; also where the shell prints it. */
  line(text: string): void;
  /** Text never to appear in the log (the session's alias, its intention); replaced by «private». */
  setPrivate(texts: readonly string[]): void;
  /** Every log file, oldest first, as text (for "Save support log"), once every line written so far is in it. */
  read(): Promise<string>;
  close(): Promise<void>;
}

/** Replaces each private text (case-insensitive, at least 3 characters) with «private». */
export function scrub(line: string, privateTexts: readonly string[]): string {
  let out = line;
  for (const t of privateTexts) {
    const needle = t.trim();
    if (needle.length < 3) continue;
    out = out.replace(new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '«private»');
  }
  return out;
}

const rotatedName = (index: number | null): string => (index ? `stillroom.${index}.log` : LOG_FILE);

/** Opens the support log in `<dataDir>/logs`; `echo` also gets every line (stderr in both shells). */
export function openSupportLog(dataDir: string, echo: (line: string) => void = () => {}, now: () => number = Date.now): SupportLog {
  const dir = join(dataDir, 'logs');
  let stream: RotatingFileStream | null = null;
  let privateTexts: readonly string[] = [];
  // Lines handed to the stream and not yet in the file (it writes asynchronously), and who waits for them.
  let pending = 0;
  const drained: Array<() => void> = [];
  const written = (): void => {
    pending = Math.max(0, pending - 1);
    if (pending > 0) return;
    for (const wake of drained.splice(0)) wake();
  };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    // With `rotate` the generator gets the rotation index (a number) or null for the live file.
    stream = createStream((index) => rotatedName(typeof index === 'number' ? index : null), {
      path: dir,
      size: '1M',
      rotate: KEEP_FILES,
      mode: 0o600,
    });
    // A disk that refuses the log must not stop anything else.
    stream.on('error', (err) => {
      echo(`support log: ${err.message}; the log is off until Stillroom starts again`);
      stream = null;
    });
  } catch (err) {
    echo(`support log: ${(err as Error).message}; running without a log file`);
    stream = null;
  }
  return {
    line(text) {
      const clean = scrub(text, privateTexts);
      echo(clean);
      if (!stream) return;
      pending++;
      stream.write(`${new Date(now()).toISOString()} ${clean.replace(/\r?\n/g, '\n    ')}\n`, written);
    },
    setPrivate(texts) {
      privateTexts = texts.filter((t) => t.trim().length >= 3);
    },
    async read() {
      // The latest lines are the ones a support person needs most: wait (briefly) until they are on disk.
      if (pending > 0 && stream) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, READ_WAIT_MS);
          drained.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      const parts: string[] = [];
      for (let i = KEEP_FILES; i >= 0; i--) {
        const file = join(dir, rotatedName(i || null));
        if (!existsSync(file)) continue;
        try {
          parts.push(readFileSync(file, 'utf8'));
        } catch {
          // An unreadable old file is left out; the rest still helps.
        }
      }
      return scrub(parts.join(''), privateTexts);
    },
    close() {
      const s = stream;
      stream = null;
      return new Promise<void>((resolve) => {
        if (!s) return resolve();
        s.end(() => resolve());
      });
    },
  };
}
