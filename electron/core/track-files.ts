/**
 * Files that change under a running session. A sync client replacing a file, a network drive
 * re-writing it, or a copy that truncates it in place all leave a track whose file no longer
 * holds what the player is streaming: the player would play what it has buffered and then stop
 * mid-phrase. So the host compares each playing or soon-due track's file with how it was when
 * the session first saw it, and a file that is gone, shorter, longer or re-written is a failure
 * at once — the timeline then fades it out (or leaves it out) and brings the next track in.
 *
 * Pure: the host does the `stat` calls and passes the results in.
 */
import type { AudioSegment } from './timeline';

/** What identifies one version of a file: its size and modification time. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** The files of tracks playing now or due within `soonMs` are looked at every `soonEveryMs`; those within `aheadMs` every `laterEveryMs`. */
export const FILE_CHECK = { soonMs: 30_000, aheadMs: 90_000, soonEveryMs: 1000, laterEveryMs: 10_000 } as const;

const amount = (bytes: number): string =>
  bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : `${Math.round(bytes / 1e5) / 10} MB`;

/**
 * Why a track's file can no longer be trusted to play as planned, or null when it is as it
 * was. `before` is how the session first saw it (none: nothing to compare with yet); `now`
 * null means the file is not there (or not a file) any more.
 */
export function fileChangeReason(before: FileStamp | undefined, now: FileStamp | null): string | null {
  if (now === null) return 'the file was moved or deleted during the session';
  if (!before) return null;
  if (now.size < before.size) return `the file was cut short during the session (${amount(now.size)} of ${amount(before.size)} left)`;
  if (now.size !== before.size || now.mtimeMs !== before.mtimeMs) return 'the file was replaced or re-written during the session';
  return null;
}

/**
 * The tracks whose files are due a look at `now`: playing, or due within `FILE_CHECK.aheadMs`,
 * and not looked at within their interval. Tracks `settled` says are already failed are left
 * alone. Each track id appears once.
 */
export function tracksToCheck(
  segments: readonly AudioSegment[],
  now: number,
  lastChecked: ReadonlyMap<string, number>,
  settled: (trackId: string) => boolean,
): string[] {
  const out: string[] = [];
  for (const seg of segments) {
    if (seg.end <= now || seg.start - now > FILE_CHECK.aheadMs || seg.failedAt !== undefined) continue;
    const id = seg.trackId;
    if (out.includes(id) || settled(id)) continue;
    const every = seg.start - now <= FILE_CHECK.soonMs ? FILE_CHECK.soonEveryMs : FILE_CHECK.laterEveryMs;
    // A little slack, so a one-second timer that fires a few ms early still checks each second.
    if (now - (lastChecked.get(id) ?? Number.NEGATIVE_INFINITY) < every - 50) continue;
    out.push(id);
  }
  return out;
}
