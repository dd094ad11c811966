/**
 * Why an import was refused. Extends `PresetError` so code that already shows preset problems
 * shows these too; every problem reads "<where>: <what is wrong>".
 */
import { PresetError } from '../../core/preset';

export type ImportErrorKind =
  /** Not readable or not what it claims to be (bad JSON, schema, zip structure). */
  | 'invalid'
  /** A newer (or unknown) format version: update Stillroom. */
  | 'version'
  /** Over a size or count cap (file, field, zip entries, compression ratio). */
  | 'too-large'
  /** Unsafe content in a bundle (paths leaving the folder, links, encrypted entries). */
  | 'unsafe'
  /** Signed, but the content no longer matches the signature. */
  | 'tampered'
  /** A preset with this id already exists and the caller asked not to replace it. */
  | 'conflict'
  /** Reading or writing failed (disk full, permissions). */
  | 'io';

export class ImportError extends PresetError {
  constructor(
    source: string,
    problems: string[],
    readonly kind: ImportErrorKind,
  ) {
    super(source, problems.length > 0 ? problems : ['(top level): refused for an unknown reason']);
    this.name = 'ImportError';
  }
}

/** A file-system failure in a person's words (the code stays at the end, for whoever helps). */
export function ioWords(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'it is not there (moved, renamed or deleted?)';
    case 'EACCES':
    case 'EPERM':
      return 'Stillroom is not allowed to use it (check its permissions)';
    case 'EISDIR':
      return 'that is a folder, not a file';
    case 'ENOTDIR':
      return 'part of that path is a file, not a folder';
    case 'ENOSPC':
      return 'the disk is full; free some space and try again';
    case 'EROFS':
      return 'the disk is read-only';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open; try again in a moment';
    default:
      return `the file system refused (${code ?? 'unknown error'})`;
  }
}

/** Turns anything thrown while importing into a PresetError a person can read. */
export function explain(err: unknown, source: string): PresetError {
  if (err instanceof PresetError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string') return new ImportError(source, [`(file): ${ioWords(e.code)}`], 'io');
  return new ImportError(source, [`(top level): ${err instanceof Error ? err.message : String(err)}`], 'invalid');
}
