/**
 * The analysis worker thread: measures one file at a time, off the host's main thread, so
 * decoding and metering (CPU-bound, seconds per track) never delay a command, a fade or a
 * journal write.
 *
 * Codec libraries print their complaints about damaged frames to the console; in here they
 * are counted (reported as `decodeWarnings`) instead of scrolling through the host's log.
 */
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { analyseFile } from './analyse';
import type { FromWorker, ToWorker } from './messages';
import { toFailure } from './types';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread (see pool.ts)');

/**
 * There is a worker per core, so analysis yields to everything else: on Linux a thread's nice
 * value is its own, and this lowers only this thread's (elsewhere the call may touch the
 * process or be refused; either way analysis still runs).
 */
const WORKER_NICE = 10;
try {
  setPriority(0, WORKER_NICE);
} catch {
  // Not allowed here: run at normal priority.
}

let warnings = 0;
const count = () => {
  warnings++;
};
console.warn = count;
console.error = count;

const running = new Map<number, AbortController>();
const send = (m: FromWorker) => port.postMessage(m);

async function analyse(id: number, file: string): Promise<void> {
  const abort = new AbortController();
  running.set(id, abort);
  warnings = 0;
  try {
    const result = await analyseFile(file, {
      signal: abort.signal,
      onProgress: (fraction) => send({ type: 'progress', id, fraction }),
    });
    send({ type: 'done', id, outcome: { file, ok: true, result: { ...result, decodeWarnings: warnings } } });
  } catch (err) {
    send({ type: 'done', id, outcome: { file, ok: false, error: toFailure(err) } });
  } finally {
    running.delete(id);
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'analyse') void analyse(m.id, m.file);
  else if (m.type === 'cancel') running.get(m.id)?.abort();
});
