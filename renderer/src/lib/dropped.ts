/**
 * What a drop onto the library means as paths on this computer. The desktop app knows where a
 * dropped file lives (the preload asks Electron); a browser page does not, but a path or a
 * file:// link dragged as text (from a file manager's address bar, a terminal, a playlist) does
 * carry one. Files without any path are counted so the page can say why nothing was added.
 */

/** The part of a DataTransfer this needs (a plain object in tests). */
export interface DropData {
  files: readonly File[];
  getData(type: string): string;
}

export interface DroppedPaths {
  paths: string[];
  /** Dropped files whose place on disk this page cannot know. */
  withoutPath: number;
}

const ABSOLUTE = /^(\/|[A-Za-z]:[\\/]|\\\\[^\\]+\\[^\\]+)/;

/** A file:// URL as a local path ("file:///C:/Music" → "C:/Music"); null for anything else. */
export function pathFromFileUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'file:' || (url.host !== '' && url.host !== 'localhost')) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (/^\/[A-Za-z]:\//.test(path)) path = path.slice(1);
  return path.includes('\0') ? null : path;
}

/** One line of dropped text as a path: an absolute path or a file:// URL; null otherwise. */
function lineToPath(line: string): string | null {
  const t = line.trim().replace(/^["']|["']$/g, '');
  if (t === '' || t.startsWith('#')) return null;
  if (/^file:/i.test(t)) return pathFromFileUrl(t);
  return ABSOLUTE.test(t) && !t.includes('\0') ? t : null;
}

/**
 * The absolute paths a drop carries, each once, in order: real file paths first (when
 * `pathOf` knows them), then `text/uri-list` and `text/plain` lines.
 */
export function droppedPaths(data: DropData, pathOf?: (f: File) => string): DroppedPaths {
  const out: string[] = [];
  const add = (p: string | null) => {
    if (p && !out.includes(p)) out.push(p);
  };
  let withoutPath = 0;
  for (const f of data.files) {
    const p = pathOf?.(f) ?? '';
    if (p) add(p);
    else withoutPath++;
  }
  for (const type of ['text/uri-list', 'text/plain']) {
    let text = '';
    try {
      text = data.getData(type);
    } catch {
      text = '';
    }
    for (const line of text.split(/\r?\n/)) add(lineToPath(line));
  }
  // Text that named the dropped files accounts for them.
  return { paths: out, withoutPath: out.length > 0 ? 0 : withoutPath };
}
