/**
 * Reading a session journal back, and judging whether it is whole.
 *
 * Line formats, oldest first (all stay readable):
 * - `{…}` — an event in clear (journals written before encryption, and tests without a key);
 * - `sr1:…` — an event sealed on its own (before lines were bound to their place);
 * - `#<seq> sr2:…` — an event sealed with its session id, its sequence number and how the
 *   journal began as AEAD associated data (`lineContext`). Such a line opens only in its own
 *   session's journal and only under its own number: copied in from another session, renumbered
 *   or edited, it does not open.
 *
 * Replay never throws on content. It uses every line it can, puts them in sequence order,
 * and reports what is wrong — lines that do not open (altered, damaged, inserted), entries
 * missing between others, lines repeated, lines out of place — so the panel can tell the
 * therapist which lines and that the rest is intact. A torn last line (the process died
 * mid-write, so it was never acknowledged) is not a fault: it is ignored and reported apart.
 *
 * Known limit: a whole line removed from the very end leaves no gap to see (it looks like a
 * journal that simply ended there); only lines before the last readable one can be missed.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type SessionEvent, SessionEventSchema } from '../core/session';
import { Vault, VaultError } from './vault';

/** How a bound journal began: created by this version (`new`) or an older journal continued. */
export type JournalOrigin = 'new' | 'continued';

/** The associated data a journal line is sealed with. */
export function lineContext(sessionId: string, seq: number, origin: JournalOrigin): string {
  return `stillroom.journal/2\n${sessionId}\n${seq}\n${origin}`;
}

/** A journal file's session id (its name without `.jsonl`). */
export function sessionIdOf(file: string): string {
  return basename(file).replace(/\.jsonl$/, '');
}

const BOUND_LINE = /^#(\d{1,15}) (sr2:[A-Za-z0-9+/=]+)$/;

/** What replay found wrong with a journal; all empty/false for a whole journal. */
export interface JournalIntegrity {
  /** Lines (1-based) that do not open or read as an event: altered, damaged or inserted. Left out. */
  altered: number[];
  /** Entry numbers (1-based, = line numbers of an untouched journal) no line holds although later ones exist. */
  missing: number[];
  /** Lines (1-based) repeating an entry already read. Left out. */
  duplicated: number[];
  /** Lines (1-based) found after a later entry; replayed in their place. */
  outOfOrder: number[];
  /** Every sealed line failed to open: the journal was written with another data key (not tampering). */
  wrongKey: boolean;
  /** The last line was cut short (a crash mid-write; that entry was never acknowledged). */
  tornTail: boolean;
  /** Entries replayed. */
  intact: number;
}

export interface JournalRead {
  /** In sequence order. */
  events: SessionEvent[];
  /** Lines that could not be used, each with the reason (for the log). */
  skipped: string[];
  integrity: JournalIntegrity;
}

interface GoodLine {
  line: number;
  event: SessionEvent;
}

type Decoded = { ok: true; json: string; bound: JournalOrigin | null; sealed: boolean } | { ok: false; why: string; claimedSeq?: number };

function decode(text: string, sessionId: string, vault: Vault | null): Decoded {
  const bound = BOUND_LINE.exec(text);
  if (bound) {
    const seq = Number(bound[1]);
    if (!vault) return { ok: false, why: 'encrypted line, but no data key is open', claimedSeq: seq };
    for (const origin of ['new', 'continued'] as const) {
      try {
        return { ok: true, json: vault.open(bound[2] as string, lineContext(sessionId, seq, origin)), bound: origin, sealed: true };
      } catch {
        /* try the other origin, then give up */
      }
    }
    return {
      ok: false,
      why: 'does not open with this data key for this session and entry number (altered, moved or another key)',
      claimedSeq: seq,
    };
  }
  if (Vault.isSealed(text)) {
    if (!vault) return { ok: false, why: 'encrypted line, but no data key is open' };
    try {
      return { ok: true, json: vault.open(text), bound: null, sealed: true };
    } catch (err) {
      return { ok: false, why: err instanceof VaultError ? err.message : String(err) };
    }
  }
  return { ok: true, json: text, bound: null, sealed: false };
}

type ReadLine =
  | { ok: true; event: SessionEvent; bound: JournalOrigin | null; sealed: boolean }
  | { ok: false; why: string; claimedSeq?: number };

function readLine(raw: string, sessionId: string, vault: Vault | null): ReadLine {
  const d = decode(raw, sessionId, vault);
  if (!d.ok) return d;
  let json: unknown;
  try {
    json = JSON.parse(d.json);
  } catch {
    return { ok: false, why: 'unreadable line' };
  }
  const parsed = SessionEventSchema.safeParse(json);
  if (!parsed.success) return { ok: false, why: parsed.error.issues[0]?.message ?? 'invalid event' };
  const claimed = BOUND_LINE.exec(raw)?.[1];
  if (claimed !== undefined && Number(claimed) !== parsed.data.seq)
    return { ok: false, why: 'its entry number does not match its content' };
  return { ok: true, event: parsed.data, bound: d.bound, sealed: d.sealed };
}

/**
 * Reads a journal file: sealed lines through `vault`, plain lines as they are. Never throws on
 * content (only when the file cannot be read at all).
 */
export function readJournal(file: string, vault: Vault | null = null): JournalRead {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const sessionId = sessionIdOf(file);
  const skipped: string[] = [];
  const good: Array<GoodLine & { bound: JournalOrigin | null; sealed: boolean }> = [];
  const altered: Array<{ line: number; claimedSeq?: number }> = [];
  let tornTail = false;
  let sealedLines = 0;
  let sealedOpened = 0;
  for (const [i, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const line = i + 1;
    if (i === lines.length - 1) {
      // No newline after it: written only in part, so never acknowledged (even if what is
      // there happens to read), and the next reopen cuts it off.
      tornTail = true;
      skipped.push(`${file}:${line}: truncated last line (power cut?) ignored`);
      continue;
    }
    const sealed = BOUND_LINE.test(raw) || Vault.isSealed(raw);
    const r = readLine(raw, sessionId, vault);
    if (sealed) sealedLines++;
    if (r.ok) {
      if (sealed) sealedOpened++;
      good.push({ line, event: r.event, bound: r.bound, sealed: r.sealed });
    } else {
      altered.push(r.claimedSeq === undefined ? { line } : { line, claimedSeq: r.claimedSeq });
      skipped.push(`${file}:${line}: ${r.why} — line ignored`);
    }
  }

  // A journal begun by this version binds every line, and one continued from an older format
  // binds every line from its first bound one on; likewise nothing in clear follows a sealed
  // line. A line breaking that was put there by someone else.
  const bornBound = good.some((g) => g.bound === 'new');
  const firstBound = firstLine(good, (g) => g.bound !== null);
  const firstSealed = firstLine(good, (g) => g.sealed);
  const trusted = good.filter((g) => {
    const inserted = (g.bound === null && (bornBound || g.line > firstBound)) || (!g.sealed && vault !== null && g.line > firstSealed);
    if (inserted) {
      altered.push({ line: g.line, claimedSeq: g.event.seq });
      skipped.push(`${file}:${g.line}: a line not sealed like the others (inserted?) — line ignored`);
    }
    return !inserted;
  });

  const wrongKey = sealedLines > 0 && sealedOpened === 0;
  const seen = new Set<number>();
  const duplicated: number[] = [];
  const outOfOrder: number[] = [];
  const kept: GoodLine[] = [];
  let highest = -1;
  for (const g of trusted) {
    const seq = g.event.seq;
    if (seen.has(seq)) {
      duplicated.push(g.line);
      skipped.push(`${file}:${g.line}: repeats entry ${seq + 1} — line ignored`);
      continue;
    }
    if (seq < highest) outOfOrder.push(g.line);
    seen.add(seq);
    highest = Math.max(highest, seq);
    kept.push(g);
  }
  kept.sort((a, b) => a.event.seq - b.event.seq);
  const accountedFor = new Set(altered.flatMap((a) => (a.claimedSeq === undefined ? [] : [a.claimedSeq])));
  const missing: number[] = [];
  for (let seq = 0; seq < highest; seq++) if (!seen.has(seq) && !accountedFor.has(seq)) missing.push(seq + 1);
  return {
    events: kept.map((g) => g.event),
    skipped,
    integrity: {
      altered: wrongKey ? [] : altered.map((a) => a.line).sort((a, b) => a - b),
      missing,
      duplicated,
      outOfOrder,
      wrongKey,
      tornTail,
      intact: kept.length,
    },
  };
}

function firstLine<T extends { line: number }>(good: readonly T[], test: (g: T) => boolean): number {
  return good.find(test)?.line ?? Number.POSITIVE_INFINITY;
}

function numbers(ns: readonly number[], max = 6): string {
  const shown = ns.slice(0, max).map(String);
  const more = ns.length - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : (shown[0] ?? '');
}

/**
 * What the panel says when a journal is not whole, or null when it is (a torn last line is
 * not a fault: that entry was never acknowledged). Names the lines and says the rest is intact.
 */
export function integrityNotice(i: JournalIntegrity): string | null {
  if (i.wrongKey) return null; // said apart: nothing was replayed
  const parts: string[] = [];
  if (i.missing.length > 0)
    parts.push(i.missing.length === 1 ? `entry ${i.missing[0]} is missing` : `entries ${numbers(i.missing)} are missing`);
  if (i.altered.length > 0)
    parts.push(
      i.altered.length === 1
        ? `line ${i.altered[0]} was altered or damaged and was left out`
        : `lines ${numbers(i.altered)} were altered or damaged and were left out`,
    );
  if (i.duplicated.length > 0)
    parts.push(
      i.duplicated.length === 1
        ? `line ${i.duplicated[0]} repeats an earlier entry and was left out`
        : `lines ${numbers(i.duplicated)} repeat earlier entries and were left out`,
    );
  if (i.outOfOrder.length > 0)
    parts.push(
      i.outOfOrder.length === 1
        ? `line ${i.outOfOrder[0]} was out of order and was put back in its place`
        : `lines ${numbers(i.outOfOrder)} were out of order and were put back in their place`,
    );
  if (parts.length === 0) return null;
  const list = parts.length > 1 ? `${parts.slice(0, -1).join('; ')}; and ${parts.at(-1)}` : parts[0];
  return `This session’s journal is not intact: ${list}. The other ${i.intact} ${i.intact === 1 ? 'entry is' : 'entries are'} intact.`;
}
