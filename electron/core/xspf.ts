/**
 * XSPF 1 playlists (`<playlist><trackList><track>…`), read with saxes — a strict, streaming XML
 * parser that never reads a DTD: entities declared in a DOCTYPE are not expanded (no "billion
 * laughs"), external entities are never fetched (no XXE), and only XML's five predefined
 * entities and numeric character references are decoded. An unknown `&name;` stays as written.
 * Playlists come from other apps and machines, so a file that is not well-formed still yields
 * the tracks read before the fault, with the fault named in `problems`.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import {
  emptyEntry,
  field,
  isrcOf,
  mbidOf,
  type ParsedPlaylist,
  PLAYLIST_LIMITS,
  type PlaylistEntry,
  Problems,
  seconds,
} from './playlist-entry';

/** Local name of an element: `xspf:track` → `track`. */
function localName(qname: string): string {
  const at = qname.indexOf(':');
  return (at < 0 ? qname : qname.slice(at + 1)).toLowerCase();
}

/** Stops the parse early (too deep); thrown out of a saxes handler and caught below. */
class Stop extends Error {}

export function parseXSPF(text: string): ParsedPlaylist {
  const problems = new Problems();
  const entries: PlaylistEntry[] = [];
  const stack: string[] = [];
  const unknownEntities = new Set<string>();
  let title: string | null = null;
  let current: PlaylistEntry | null = null;
  let textBuf = '';
  let trackNo = 0;
  let sawPlaylist = false;
  let faulted = false;

  const closeElement = (name: string): void => {
    const value = textBuf;
    textBuf = '';
    const parent = stack[stack.length - 1];
    if (name === 'track' && current) {
      if (current.location || current.title) {
        if (entries.length < PLAYLIST_LIMITS.maxEntries) entries.push(current);
        else if (entries.length === PLAYLIST_LIMITS.maxEntries)
          problems.add(`track ${trackNo}: more than ${PLAYLIST_LIMITS.maxEntries} tracks, the rest skipped`);
      } else {
        problems.add(`track ${trackNo}: has neither a location nor a title, skipped`);
      }
      current = null;
      return;
    }
    if (current && parent === 'track') {
      switch (name) {
        case 'location':
          if (!current.location) current.location = field(value);
          break;
        case 'title':
          current.title = field(value);
          break;
        case 'creator':
          current.artist = field(value);
          break;
        case 'album':
          current.album = field(value);
          break;
        case 'duration':
          current.durationS = seconds(value, 1000);
          break;
        case 'identifier':
          current.isrc ??= isrcOf(value);
          if (/musicbrainz/i.test(value)) current.musicbrainzId ??= mbidOf(value);
          break;
      }
    } else if (name === 'title' && parent === 'playlist') {
      title = field(value);
    }
  };

  // saxes reports a file cut inside `<tra` as an unclosed element; say what really happened.
  const endsInsideTag = text.lastIndexOf('<') > text.lastIndexOf('>');
  const parser = new SaxesParser();
  const addText = (t: string): void => {
    if (textBuf.length < PLAYLIST_LIMITS.maxLineChars) textBuf = (textBuf + t).slice(0, PLAYLIST_LIMITS.maxLineChars);
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('doctype', () => problems.add('a DOCTYPE declaration was ignored (entities are never expanded)'));
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    textBuf = '';
    if (name === 'playlist') sawPlaylist = true;
    if (tag.isSelfClosing) return;
    if (stack.length >= PLAYLIST_LIMITS.maxXmlDepth) {
      problems.add(`elements nested deeper than ${PLAYLIST_LIMITS.maxXmlDepth} levels; the rest was skipped`);
      throw new Stop();
    }
    if (name === 'track' && stack[stack.length - 1] === 'tracklist') {
      trackNo += 1;
      current = emptyEntry(trackNo);
    }
    stack.push(name);
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (tag.isSelfClosing) return;
    stack.pop();
    closeElement(localName(tag.name));
  });
  parser.on('error', (err: Error) => {
    const message = err.message;
    const entity = /undefined entity/.test(message);
    if (entity) return; // saxes keeps `&name;` as written; named once at the end.
    // After the first fault the rest is not trusted; keep what was read before it.
    if (!faulted) {
      problems.add(
        endsInsideTag && /unclosed tag/.test(message)
          ? 'the file ends inside a tag'
          : `the file is not well-formed XML (${plainSaxesError(message)}); tracks after that point were skipped`,
      );
    }
    faulted = true;
    throw new Stop();
  });
  try {
    // Undefined entities are reported through `error`; find them by name for the summary.
    for (const m of text.matchAll(/&([A-Za-z_][\w.-]{0,31});/g)) {
      const name = m[1] ?? '';
      if (!['lt', 'gt', 'amp', 'quot', 'apos'].includes(name)) unknownEntities.add(name);
    }
    parser.write(text.replace(/^\uFEFF/, '')).close();
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
  }
  if (!sawPlaylist) problems.add('no <playlist> element: this does not look like XSPF');
  if (unknownEntities.size > 0) {
    problems.add(`entity references left as written (only XML's five are decoded): ${[...unknownEntities].slice(0, 5).join(', ')}`);
  }
  return { format: 'xspf', title, entries, problems: problems.list };
}

/** saxes's messages start with `line:column: `; keep the words, and say where in plain terms. */
function plainSaxesError(message: string): string {
  const m = /^(?:[^:]*:)?(\d+):(\d+): (.*?)\.?$/s.exec(message);
  if (!m) return message;
  const what = (m[3] ?? '').replace(/^unexpected end\b.*/i, 'the file ends too early');
  return `line ${m[1]}: ${what}`;
}
