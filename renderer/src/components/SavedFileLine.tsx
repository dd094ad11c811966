/**
 * "Saved to <path>. Download <name>" for a file the host wrote (a report, an export, a key, the
 * support log): the path where it is, and the bytes the host sent back offered as a download
 * (no link when it was too large to send). Report, Presets and Settings show it the same way.
 */

import type { SavedFile } from '@host/contract';
import { useEffect, useMemo } from 'react';

/** The file's bytes as an object URL (the caller revokes it). */
export function toBlobUrl(file: SavedFile): string {
  const bytes = file.encoding === 'base64' ? Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0)) : new TextEncoder().encode(file.data);
  return URL.createObjectURL(new Blob([bytes], { type: file.mediaType }));
}

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
