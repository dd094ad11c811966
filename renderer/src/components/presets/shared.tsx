/** Small pieces the presets view shares: durations in words, running a command with its error in place, a download link. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { CommandResult, SavedFile } from '../../../../electron/host/contract';

/** 2280 s → "38 min"; under a minute → "45 s"; an hour or more → "1 h 12 min". */
export function formatMinutes(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

/**
 * Runs one command at a time for a card: `busy` while it runs, and the host's refusal kept
 * as a sentence to show in place (never a pop-up).
 */
export function useRun(): {
  busy: boolean;
  error: string | null;
  setError: (e: string | null) => void;
  run: <T extends CommandResult>(fn: () => Promise<T>) => Promise<Extract<T, { ok: true }> | null>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T extends CommandResult>(fn: () => Promise<T>): Promise<Extract<T, { ok: true }> | null> => {
    setBusy(true);
    try {
      const r = await fn();
      if (!r.ok) {
        setError(r.error);
        return null;
      }
      setError(null);
      return r as Extract<T, { ok: true }>;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      return null;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

function toBlobUrl(file: SavedFile): string {
  const bytes = file.encoding === 'base64' ? Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0)) : new TextEncoder().encode(file.data);
  return URL.createObjectURL(new Blob([bytes], { type: file.mediaType }));
}

/** "Saved to <path>. Download <name>" for a file the host wrote (no link when it was too large to send). */
export function SavedFileLine({ file, testId }: { file: SavedFile; testId: string }) {
  const url = useMemo(() => (file.data ? toBlobUrl(file) : null), [file]);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  return (
    <p className="small saved-file" role="status" data-testid={testId} data-path={file.path}>
      Saved to <span className="path">{file.path}</span>.{' '}
      {url ? (
        <a href={url} download={file.name}>
          Download {file.name}
        </a>
      ) : (
        'Too large to download through the browser; copy it from that folder.'
      )}
    </p>
  );
}

/** Reads a file the person chose, as text or base64, refusing files over `maxBytes` with a sentence. */
export async function readChosenFile(
  file: File,
  maxBytes: number,
): Promise<{ ok: true; name: string; text?: string; base64?: string } | { ok: false; error: string }> {
  if (file.size > maxBytes) {
    return {
      ok: false,
      error: `${file.name} is ${Math.ceil(file.size / 1024)} KB, more than the ${Math.floor(maxBytes / 1024)} KB that can be sent from here; type its path on this computer instead.`,
    };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (!isZip) return { ok: true, name: file.name, text: new TextDecoder().decode(bytes) };
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { ok: true, name: file.name, base64: btoa(bin) };
}
