/** howler needs a format when the URL has no extension (ours are `/media/<id>`): take it from the file. */
const KNOWN = new Set(['mp3', 'mpeg', 'opus', 'ogg', 'oga', 'wav', 'aac', 'm4a', 'm4b', 'mp4', 'weba', 'webm', 'flac', 'caf']);

export function formatOf(file: string | null | undefined, fallbackName: string): string {
  for (const name of [file ?? '', fallbackName]) {
    const m = /\.([a-z0-9]+)$/i.exec(name.split(/[?#]/, 1)[0] ?? '');
    const ext = m?.[1]?.toLowerCase();
    if (ext && KNOWN.has(ext)) return ext === 'mpeg' ? 'mp3' : ext;
  }
  return 'mp3';
}
