/**
 * Reads an MPEG-4 file with its index (`moov`) first, the way "fast start" files are laid out.
 *
 * audio-decode's MP4 decoder streams only once it has the index; most encoders (ffmpeg's
 * default included) write the index *after* the audio, so the decoder buffered the whole file
 * and decoded it in one go: a 20-minute m4a cost ~940 MB. Here the index is read first and
 * moved in front of the audio on the fly, its chunk offsets (`stco`/`co64`) shifted by its own
 * size, exactly as `qt-faststart` rewrites a file, but without writing anything.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface Box {
  type: string;
  start: number;
  size: number;
}

/** An index larger than this is not an audio file's; leave such a file to the decoder as it is. */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;
/** Boxes inside `moov` that lead to the chunk offset tables. */
const PATH_TO_OFFSETS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);

const fourCC = (b: Uint8Array, at: number): string =>
  String.fromCharCode(b[at] as number, b[at + 1] as number, b[at + 2] as number, b[at + 3] as number);

/** The top-level boxes of the file, from their headers only. */
export async function topLevelBoxes(file: string, fileSize: number): Promise<Box[]> {
  const fh = await open(file, 'r');
  try {
    const boxes: Box[] = [];
    const head = new Uint8Array(16);
    let at = 0;
    while (at + 8 <= fileSize && boxes.length < 10_000) {
      const { bytesRead } = await fh.read(head, 0, 16, at);
      if (bytesRead < 8) break;
      const view = new DataView(head.buffer);
      let size = view.getUint32(0);
      if (size === 1 && bytesRead >= 16) size = Number(view.getBigUint64(8));
      else if (size === 0) size = fileSize - at;
      if (size < 8) break; // damaged: let the decoder report it
      boxes.push({ type: fourCC(head, 4), start: at, size });
      at += size;
    }
    return boxes;
  } finally {
    await fh.close();
  }
}

/** Adds `delta` to every chunk offset in the `stco`/`co64` tables inside a `moov` box (in place). */
export function shiftChunkOffsets(moov: Uint8Array, delta: number): void {
  const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
  const walk = (from: number, to: number): void => {
    let at = from;
    while (at + 8 <= to) {
      let size = view.getUint32(at);
      let header = 8;
      if (size === 1 && at + 16 <= to) {
        size = Number(view.getBigUint64(at + 8));
        header = 16;
      } else if (size === 0) {
        size = to - at;
      }
      if (size < header || at + size > to) return;
      const type = fourCC(moov, at + 4);
      if (PATH_TO_OFFSETS.has(type)) {
        walk(at + header, at + size);
      } else if (type === 'stco' || type === 'co64') {
        const count = view.getUint32(at + header + 4);
        const wide = type === 'co64';
        let p = at + header + 8;
        for (let i = 0; i < count && p + (wide ? 8 : 4) <= at + size; i++) {
          if (wide) view.setBigUint64(p, view.getBigUint64(p) + BigInt(delta));
          else view.setUint32(p, view.getUint32(p) + delta);
          p += wide ? 8 : 4;
        }
      }
      at += size;
    }
  };
  walk(0, moov.length);
}

async function* range(file: string, start: number, endExclusive: number, chunk: number): AsyncGenerator<Uint8Array> {
  if (endExclusive <= start) return;
  const stream = createReadStream(file, { start, end: endExclusive - 1, highWaterMark: chunk });
  try {
    for await (const piece of stream) yield piece as Buffer;
  } finally {
    stream.destroy();
  }
}

/**
 * The file's bytes, index first. Files already laid out that way, fragmented files and
 * anything odd are read as they are.
 */
export async function* mp4IndexFirst(file: string, fileSize: number, chunk: number): AsyncGenerator<Uint8Array> {
  const boxes = await topLevelBoxes(file, fileSize);
  const moov = boxes.find((b) => b.type === 'moov');
  const firstMdat = boxes.find((b) => b.type === 'mdat');
  const plain = !moov || !firstMdat || moov.start < firstMdat.start || moov.size > MAX_MOOV_BYTES || boxes.some((b) => b.type === 'moof');
  if (plain || !moov || !firstMdat) {
    yield* range(file, 0, fileSize, chunk);
    return;
  }
  // 32-bit offsets can't grow past 4 GiB; no music file comes near, but don't corrupt one that does.
  if (moov.start + moov.size > 0xffffffff) {
    yield* range(file, 0, fileSize, chunk);
    return;
  }
  const index = new Uint8Array(moov.size);
  const fh = await open(file, 'r');
  try {
    await fh.read(index, 0, moov.size, moov.start);
  } finally {
    await fh.close();
  }
  shiftChunkOffsets(index, moov.size);
  yield* range(file, 0, firstMdat.start, chunk);
  yield index;
  yield* range(file, firstMdat.start, moov.start, chunk);
  yield* range(file, moov.start + moov.size, fileSize, chunk);
}
