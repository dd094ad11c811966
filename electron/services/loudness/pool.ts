/**
 * Runs loudness analysis in worker threads: a queue of files, one worker per core by default
 * (each worker lowers its own thread's priority, see `worker.ts`, so playback and the panel
 * still come first), progress per file, cancellation, and a crash in one file never stopping
 * the rest of the batch.
 *
 * Running from source (tests, the CLI under tsx) the worker is `worker.ts`, loaded through
 * tsx inside the thread. A bundled build must emit `worker.ts` as its own entry next to the
 * bundle (electron-vite: add it to `main.build.rollupOptions.input` as `loudness-worker`), or
 * pass `workerUrl`.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type FileIdentity, identityOf, type LoudnessCache } from './cache';
import type { FromWorker, ToWorker } from './messages';
import type { LoudnessFailure, LoudnessOutcome } from './types';

export interface PoolOptions {
  /** Files analysed at once (default: one per core). Each uses one core, at low priority, while it runs. */
  concurrency?: number;
  /** The worker script; defaults to `worker.ts` from source or `loudness-worker.js` next to a bundle. */
  workerUrl?: URL;
  /** An idle worker is stopped after this long (default 20 s), giving its memory back. */
  idleMs?: number;
  /** Remembers outcomes by file identity; hits are answered without a worker. */
  cache?: LoudnessCache;
  /**
   * A worker that reports nothing for this long is stuck (a decoder in a loop): it is stopped
   * and the file fails, so one bad file can't hold up the queue (default 60 s; a healthy
   * worker reports several times a second, the MPEG-4 decoder's final pass excepted).
   */
  stallMs?: number;
}

export interface JobOptions {
  signal?: AbortSignal;
  /** Share of this file read so far (0…1). */
  onProgress?: (fraction: number) => void;
  /** Put this file at the front of the queue (the player needs it next). */
  urgent?: boolean;
}

/** A running analysis that doesn't stop within this long after a cancel is stopped by force. */
const CANCEL_GRACE_MS = 2000;
const CACHE_SAVE_DELAY_MS = 2000;

interface Job {
  id: number;
  file: string;
  options: JobOptions;
  identity: FileIdentity | null;
  done: (outcome: LoudnessOutcome) => void;
}

interface Slot {
  worker: Worker | null;
  job: Job | null;
  idleTimer: NodeJS.Timeout | null;
  killTimer: NodeJS.Timeout | null;
  stallTimer: NodeJS.Timeout | null;
  lastError: string | null;
}

/** The worker next to this module: the TypeScript source, or the bundle's `loudness-worker.js`. */
function defaultWorkerUrl(): URL {
  // A name in a variable, not a literal: bundlers rewrite `new URL('literal', import.meta.url)` into assets.
  const name = import.meta.url.endsWith('.ts') ? './worker.ts' : './loudness-worker.js';
  return new URL(name, import.meta.url);
}

function startWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  // From source: register tsx's loader inside the new thread, then load the TypeScript worker.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true });
}

const failure = (file: string, error: LoudnessFailure): LoudnessOutcome => ({ file, ok: false, error });
const cancelled = (file: string) => failure(file, { code: 'cancelled', message: 'analysis cancelled' });

/** A long-lived queue of analyses; the host keeps one for the library. */
export class LoudnessPool {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private readonly workerUrl: URL;
  private readonly idleMs: number;
  private readonly stallMs: number;
  private readonly cache: LoudnessCache | undefined;
  private nextId = 1;
  private closed = false;
  private saveTimer: NodeJS.Timeout | null = null;

  constructor(options: PoolOptions = {}) {
    const n = Math.max(1, Math.floor(options.concurrency ?? availableParallelism()));
    this.slots = Array.from({ length: n }, () => ({
      worker: null,
      job: null,
      idleTimer: null,
      killTimer: null,
      stallTimer: null,
      lastError: null,
    }));
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
    this.idleMs = options.idleMs ?? 20_000;
    this.stallMs = options.stallMs ?? 60_000;
    this.cache = options.cache;
  }

  /** How many files it analyses at once. */
  get concurrency(): number {
    return this.slots.length;
  }

  /** Files waiting or being analysed. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.job).length;
  }

  /** Measures one file. Never rejects: a bad file, a crash or a cancel is a failed outcome. */
  async analyse(file: string, options: JobOptions = {}): Promise<LoudnessOutcome> {
    if (this.closed || options.signal?.aborted) return cancelled(file);
    const identity = this.cache ? await identityOf(file) : null;
    if (this.cache && identity) {
      const hit = this.cache.lookup(file, identity);
      if (hit) {
        options.onProgress?.(1);
        return { ...hit, file };
      }
    }
    return new Promise<LoudnessOutcome>((resolve) => {
      const job: Job = { id: this.nextId++, file, options, identity, done: resolve };
      const onAbort = () => this.cancel(job);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      job.done = (outcome) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (this.cache && job.identity) {
          this.cache.store(outcome, job.identity);
          this.scheduleSave();
        }
        resolve(outcome);
      };
      if (options.urgent) this.queue.unshift(job);
      else this.queue.push(job);
      this.pump();
    });
  }

  /** Cancels everything, stops the workers and writes the cache. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.done(cancelled(job.file));
    for (const slot of this.slots) {
      if (slot.job) this.finish(slot, cancelled(slot.job.file));
      this.stop(slot);
    }
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    await this.cache?.save();
  }

  /** Cancels every queued and running analysis; the pool stays open for new ones. */
  cancelAll(): void {
    for (const job of this.queue.splice(0)) job.done(cancelled(job.file));
    for (const slot of this.slots) if (slot.job) this.cancel(slot.job);
  }

  private cancel(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.done(cancelled(job.file));
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot?.worker || slot.killTimer) return;
    slot.worker.postMessage({ type: 'cancel', id: job.id } satisfies ToWorker);
    slot.killTimer = setTimeout(() => {
      // It didn't stop at the next piece of the file: stop the thread instead.
      if (slot.job === job) {
        this.finish(slot, cancelled(job.file));
        this.stop(slot);
        this.pump();
      }
    }, CANCEL_GRACE_MS);
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job || this.closed) continue;
      const job = this.queue.shift();
      if (!job) break;
      slot.job = job;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      const worker = slot.worker ?? this.spawn(slot);
      worker.ref();
      worker.postMessage({ type: 'analyse', id: job.id, file: job.file } satisfies ToWorker);
      this.watch(slot);
    }
  }

  /** (Re)arms the stall watchdog for the slot's running job. */
  private watch(slot: Slot): void {
    if (slot.stallTimer) clearTimeout(slot.stallTimer);
    const job = slot.job;
    slot.stallTimer = setTimeout(() => {
      if (slot.job !== job || !job) return;
      const s = Math.round(this.stallMs / 1000);
      this.finish(slot, failure(job.file, { code: 'internal', message: `the analysis stalled (no progress for ${s} s) and was stopped` }));
      this.stop(slot);
      this.pump();
    }, this.stallMs);
  }

  private spawn(slot: Slot): Worker {
    const worker = startWorker(this.workerUrl);
    slot.worker = worker;
    slot.lastError = null;
    worker.on('message', (m: FromWorker) => {
      if (slot.worker !== worker || !slot.job || m.id !== slot.job.id) return;
      if (m.type === 'progress') {
        this.watch(slot);
        slot.job.options.onProgress?.(m.fraction);
      } else if (m.type === 'done') {
        this.finish(slot, { ...m.outcome, file: slot.job.file });
        this.idle(slot);
        this.pump();
      }
    });
    worker.on('error', (err) => {
      slot.lastError = (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : err.message;
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      if (slot.job) {
        const why = slot.lastError ?? `exit code ${code}`;
        this.finish(slot, failure(slot.job.file, { code: 'internal', message: `the analysis stopped unexpectedly (${why})` }));
        this.pump();
      }
    });
    return worker;
  }

  private finish(slot: Slot, outcome: LoudnessOutcome): void {
    const job = slot.job;
    slot.job = null;
    if (slot.killTimer) clearTimeout(slot.killTimer);
    if (slot.stallTimer) clearTimeout(slot.stallTimer);
    slot.killTimer = null;
    slot.stallTimer = null;
    job?.done(outcome);
  }

  /** No work for this slot: let the process exit if it wants to, and stop the thread after a while. */
  private idle(slot: Slot): void {
    slot.worker?.unref();
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      if (!slot.job) this.stop(slot);
    }, this.idleMs);
    slot.idleTimer.unref();
  }

  private stop(slot: Slot): void {
    if (slot.idleTimer) clearTimeout(slot.idleTimer);
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.idleTimer = null;
    slot.killTimer = null;
    const w = slot.worker;
    slot.worker = null;
    void w?.terminate();
  }

  private scheduleSave(): void {
    if (this.saveTimer || !this.cache || this.closed) return;
    const cache = this.cache;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      cache.save().catch(() => undefined); // Retried at the next save; a cache write failure loses nothing.
    }, CACHE_SAVE_DELAY_MS);
    this.saveTimer.unref();
  }
}

/** Where a batch stands, reported on every progress step and every finished file. */
export interface BatchProgress {
  /** The file this report is about (as given). */
  file: string;
  index: number;
  /** Share of this file done (0…1). */
  fileFraction: number;
  /** Files finished so far, successfully or not. */
  completed: number;
  total: number;
  /** Share of the whole batch done (0…1). */
  fraction: number;
  /** Present when this file just finished. */
  outcome?: LoudnessOutcome;
}

export interface AnalyseManyOptions extends Omit<PoolOptions, 'idleMs'> {
  signal?: AbortSignal;
  onProgress?: (progress: BatchProgress) => void;
}

/**
 * Measures a batch of files in worker threads and returns one outcome per file, in the order
 * given. Bad files become failed outcomes; the batch always finishes.
 */
export async function analyseMany(files: readonly string[], options: AnalyseManyOptions = {}): Promise<LoudnessOutcome[]> {
  const pool = new LoudnessPool({ ...options, idleMs: 1000 });
  // One listener for the whole batch: a listener per queued file on the caller's signal would
  // trip Node's listener-leak warning from 11 files on (and is needless work).
  const onAbort = () => pool.cancelAll();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const share = new Array<number>(files.length).fill(0);
  let completed = 0;
  const report = (index: number, extra?: LoudnessOutcome) => {
    const total = files.length;
    const fraction = total === 0 ? 1 : share.reduce((a, b) => a + b, 0) / total;
    options.onProgress?.({
      file: files[index] as string,
      index,
      fileFraction: share[index] as number,
      completed,
      total,
      fraction,
      ...(extra ? { outcome: extra } : {}),
    });
  };
  try {
    return await Promise.all(
      files.map(async (file, index) => {
        const outcome = await pool.analyse(file, {
          ...(options.signal?.aborted ? { signal: options.signal } : {}),
          onProgress: (f) => {
            share[index] = Math.min(0.999, f);
            report(index);
          },
        });
        share[index] = 1;
        completed++;
        report(index, outcome);
        return outcome;
      }),
    );
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await pool.close();
  }
}
