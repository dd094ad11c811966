/**
 * Listening to one track from the preset editor: the file behind a reference (the app's own
 * audio, else the library's match) is offered under a fresh media id; never while a session
 * runs — the room's music is never interrupted by a preview.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { buildMatchIndex, resolveRef } from '../../core/matching';
import type { TrackRef } from '../../core/preset';
import { Refusal } from '../refusal';
import type { LibraryAccess } from './library-access';

export class Audition {
  /** The one track being listened to now: its media id and file. */
  private current: { mediaId: string; file: string } | null = null;

  constructor(
    private readonly appRoot: string,
    private readonly library: LibraryAccess,
    private readonly sessionRunning: () => boolean,
  ) {}

  /** The file behind an audition's media id, for the media route; null for anything else and whenever a session runs. */
  file(mediaId: string): string | null {
    if (!this.current || this.current.mediaId !== mediaId || this.sessionRunning()) return null;
    return this.current.file;
  }

  /** Starts listening to `ref` (null: stops). */
  async start(ref: TrackRef | null): Promise<{ mediaId: string; fileName: string } | undefined> {
    if (ref === null) {
      this.current = null;
      return undefined;
    }
    if (this.sessionRunning()) throw new Refusal('Listening to tracks is off while a session runs: the room’s music comes first.');
    let file: string | null = null;
    if (ref.asset) {
      const assets = resolve(join(this.appRoot, 'assets'));
      const f = resolve(join(assets, ref.asset));
      if (f.startsWith(assets + sep) && existsSync(f)) file = f;
    }
    if (!file) {
      const r = resolveRef(ref, this.library.music()?.matchIndex() ?? buildMatchIndex([]), await this.library.manualFixes());
      if (r.status === 'matched') file = r.track.path;
    }
    if (!file) throw new Refusal(`“${ref.title}” is not in your library, so it cannot be played here.`);
    this.current = { mediaId: `audition-${randomBytes(8).toString('hex')}`, file };
    return { mediaId: this.current.mediaId, fileName: basename(file) };
  }
}
