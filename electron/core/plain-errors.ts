/**
 * Refusals written for a person, not in a schema library's words. A therapist importing a
 * colleague's preset should read "phases[1].name: missing — it must be text", never
 * "Invalid input: expected string, received undefined".
 *
 * Two ways in:
 * - `plainErrorMap` is given to zod when parsing (`schema.safeParse(raw, { error: plainErrorMap })`):
 *   it words every issue zod would word itself, from the issue and the value found. Messages a
 *   schema states itself (`.regex(re, 'an ISRC looks like …')`) take precedence in zod, so they
 *   stay as written.
 * - `plainIssues(issues)` turns issues into "<where>: <what>" lines, and rewords any message
 *   still in zod's default wording (an issue parsed without the map) from what the issue keeps.
 *
 * `RAW_WORDING` recognises library wording, so tests can check none reaches a person.
 * Pure: no I/O, no Electron.
 */
import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;
type Issue = z.core.$ZodIssue;

/** Library wording that must never reach a person (zod's defaults, yauzl's, V8's JSON errors). */
export const RAW_WORDING =
  /Invalid (input|option|string|UUID|email|url|URL|format|element|key|type|union|discriminator)|Too (small|big):|Unrecognized keys?:|expected \w+, received|expected \w+ to have|size mismatch|\d+ != \d+|Unexpected token|in JSON at position|Unexpected end of JSON|ENOENT|EACCES|EISDIR/;

/** Formats an issue path as `phases[2].light.level` (or "(top level)"). */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

const KIND_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  array: 'a list in [ ]',
  tuple: 'a list in [ ]',
  object: 'a group of fields in { }',
  record: 'a group of fields in { }',
  map: 'a group of fields in { }',
  null: 'null',
  date: 'a date',
  literal: 'a fixed value',
  enum: 'one of the listed values',
};

const expected = (kind: string | undefined): string => (kind ? (KIND_WORDS[kind] ?? kind) : 'something else');

function shortValue(text: string): string {
  const t = text.length > 40 ? `${text.slice(0, 37)}…` : text;
  return JSON.stringify(t);
}

/** What a value is, in a few words ("the number 3", "text \"abc\"", "a list"). */
function described(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  switch (typeof input) {
    case 'string':
      return input === '' ? 'empty text' : `the text ${shortValue(input)}`;
    case 'number':
      return Number.isFinite(input) ? `the number ${input}` : 'not a number';
    case 'boolean':
      return String(input);
    case 'object':
      return 'a group of fields';
    default:
      return typeof input;
  }
}

/** The same, from the kind name zod wrote in a default message ("received undefined"). */
function describedKind(kind: string): string {
  if (kind === 'array') return 'a list';
  if (kind === 'object') return 'a group of fields';
  if (kind === 'string') return 'text';
  if (kind === 'number') return 'a number';
  if (kind === 'boolean') return 'true or false';
  return kind;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function quoteList(values: readonly unknown[]): string {
  const shown = values.slice(0, 8).map((v) => JSON.stringify(v));
  const more = values.length > shown.length ? ` (or ${values.length - shown.length} more)` : '';
  if (shown.length <= 1) return `${shown[0] ?? ''}${more}`;
  return `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}${more}`;
}

interface Facts {
  code: string;
  /** `input` when the issue carries it, `missing` when it was absent. */
  input?: unknown;
  hasInput: boolean;
  receivedKind?: string;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  prefix?: string;
  suffix?: string;
  includes?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  divisor?: number | bigint;
}

function sizeWords(f: Facts, limit: number | bigint | undefined, small: boolean): string {
  const n = Number(limit);
  const incl = f.inclusive !== false;
  switch (f.origin) {
    case 'string':
      if (small && n === 1) return 'must not be empty';
      return small
        ? `must be at least ${plural(n, 'character', 'characters')} long`
        : `must be at most ${plural(n, 'character', 'characters')} long`;
    case 'array':
    case 'set':
      if (small && n === 1) return 'needs at least one entry';
      return small ? `needs at least ${plural(n, 'entry', 'entries')}` : `may have at most ${plural(n, 'entry', 'entries')}`;
    case 'file':
      return small ? `must be at least ${n} bytes` : `must be at most ${n} bytes`;
    default:
      if (small) return incl ? `must be at least ${n}` : `must be more than ${n}`;
      return incl ? `must be at most ${n}` : `must be less than ${n}`;
  }
}

function formatWords(f: Facts): string {
  switch (f.format) {
    case 'uuid':
    case 'guid':
      return 'should be an id of the form 123e4567-e89b-12d3-a456-426614174000';
    case 'email':
      return 'should be an e-mail address';
    case 'url':
      return 'should be a web address';
    case 'datetime':
    case 'date':
    case 'time':
      return `should be a ${f.format === 'time' ? 'time' : 'date'} in ISO form (such as 2026-11-22${f.format === 'datetime' ? 'T09:30:00Z' : ''})`;
    case 'starts_with':
      return `should start with ${JSON.stringify(f.prefix)}`;
    case 'ends_with':
      return `should end with ${JSON.stringify(f.suffix)}`;
    case 'includes':
      return `should contain ${JSON.stringify(f.includes)}`;
    case 'base64':
    case 'base64url':
      return 'should be base64 text';
    default:
      return 'is not in the form expected here';
  }
}

function wording(f: Facts): string {
  switch (f.code) {
    case 'invalid_type': {
      const absent = f.hasInput ? f.input === undefined : f.receivedKind === 'undefined';
      if (absent) return `missing — it must be ${expected(f.expected)}`;
      if (f.expected === 'int' && (typeof f.input === 'number' || f.receivedKind === 'number'))
        return f.hasInput ? `must be a whole number, not ${f.input}` : 'must be a whole number';
      const got = f.hasInput ? described(f.input) : f.receivedKind ? describedKind(f.receivedKind) : null;
      return got ? `must be ${expected(f.expected)}, not ${got}` : `must be ${expected(f.expected)}`;
    }
    case 'too_small':
      return sizeWords(f, f.minimum, true);
    case 'too_big':
      return sizeWords(f, f.maximum, false);
    case 'invalid_format':
      return formatWords(f);
    case 'invalid_value': {
      const values = f.values ?? [];
      const got = f.hasInput ? ` (found ${described(f.input)})` : '';
      return values.length === 1 ? `must be ${JSON.stringify(values[0])}${got}` : `must be one of ${quoteList(values)}${got}`;
    }
    case 'unrecognized_keys': {
      const keys = f.keys ?? [];
      const them = keys.length === 1 ? 'it' : 'them';
      return `unknown field${keys.length === 1 ? '' : 's'} ${quoteList(keys)} — remove ${them} or check the spelling`;
    }
    case 'invalid_union':
      return 'is none of the forms accepted here';
    case 'not_multiple_of':
      return `must be a multiple of ${Number(f.divisor)}`;
    case 'invalid_key':
      return 'has a field name that is not allowed here';
    case 'invalid_element':
      return 'has an entry that is not allowed here';
    default:
      return 'is not valid here';
  }
}

function facts(issue: Record<string, unknown>, hasInput: boolean): Facts {
  return { ...(issue as Omit<Facts, 'hasInput'>), hasInput };
}

/**
 * zod error map: plain words for every issue zod would word itself. Give it to `safeParse`
 * as `{ error: plainErrorMap }`; a schema's own messages still win.
 */
export const plainErrorMap = (issue: RawIssue): string => wording(facts(issue as unknown as Record<string, unknown>, 'input' in issue));

/** A finished issue's message in plain words: kept when already plain, reworded when in zod's default words. */
export function plainMessage(issue: Issue): string {
  if (!RAW_WORDING.test(issue.message)) return issue.message;
  const receivedKind = /received (\w+)/.exec(issue.message)?.[1];
  return wording({ ...facts(issue as unknown as Record<string, unknown>, false), ...(receivedKind ? { receivedKind } : {}) });
}

/** "<where>: <what>" lines for issues (at most `max`), e.g. "phases[1].name: missing — it must be text". */
export function plainIssues(issues: readonly Issue[], max = 10): string[] {
  const lines = issues.slice(0, max).map((i) => `${formatPath(i.path)}: ${plainMessage(i)}`);
  if (issues.length > max) lines.push(`(and more): ${plural(issues.length - max, 'more problem', 'more problems')} not listed`);
  return lines;
}

/**
 * Why text is not JSON, for a person: where it breaks off, not V8's parser wording.
 */
export function jsonProblem(err: unknown, text?: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (/end of JSON input|Unterminated/.test(message)) return 'not valid JSON: the text ends too early (cut off?)';
  const pos = /position (\d+)/.exec(message)?.[1];
  if (pos !== undefined && text !== undefined) {
    const before = text.slice(0, Number(pos));
    const line = before.split('\n').length;
    const column = Number(pos) - before.lastIndexOf('\n');
    return `not valid JSON: a mistake at line ${line}, column ${column}`;
  }
  if (pos !== undefined) return `not valid JSON: a mistake at character ${Number(pos) + 1}`;
  return 'not valid JSON';
}
