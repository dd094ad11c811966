/**
 * The host's side of music playback: loudness levelling, cue points, the pre-session file
 * check, files that vanish mid-session, the mute and the output device.
 *
 * - Tracks are measured off the main thread (`LoudnessPool`, a worker) and remembered by file
 *   identity (`LoudnessCache`): at session start whatever is already known goes into the plan
 *   (gain, cue-in, cue-out); the rest is measured in the background, first things first, and
 *   each result is published as it arrives. The player applies the gain on each track's trim
 *   node (ramping over seconds when it changes), so an unmeasured track plays at the
 *   conservative gain and never jumps when its measurement lands.
 * - Cue points learned after the start are handed to the timeline with the time they became
 *   known (`TrackCue.knownAt`) and kept beside the journal (`sessions/<id>.cues.json`), so a
 *   restarted host rebuilds exactly the same segments.
 * - Files that turn out unplayable (not audio, silent, deleted) are reported so the host
 *   records `TrackFailed` before the player ever reaches them.
 *
 * It owns no session state: the host passes the session in and records what it reports.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { heardSection, type ReplayGainTag, sectionGain, type TrackGain, trackGain } from '../../core/gain';
import { type AudioSnapshot, batchProgress, Coalescer, type PresetCheck, type TrackGainInfo, type TrackProblem } from '../../core/playback';
import type { Preset } from '../../core/preset';
import type { SessionPlan, SessionState } from '../../core/session';
import type { Timeline, TrackCue, TrackCues } from '../../core/timeline';
import { type FileStamp, fileChangeReason, tracksToCheck } from '../../core/track-files';
import { identityOf, LoudnessCache, type LoudnessOutcome, LoudnessPool, type LoudnessResult } from '../../services/loudness';
import type { Settings } from '../../services/settings';
import { type LibraryLookup, type ResolvedPlaylists, resolvePlaylists } from '../../services/tracks';
import type { Handlers } from '../command';
import { Refusal } from '../refusal';
import type { audioCommands } from './contract';

/**
 * An extra folder searched for presets' `asset` paths after the app's own `assets/`. The
 * end-to-end tests generate their music into a temporary folder and point this at it; a
 * clinic could use it for bundled-style presets kept next to their own files.
 */
export const EXTRA_ASSET_DIR_ENV = 'STILLROOM_EXTRA_ASSET_DIR';

/** The folders `asset` references resolve in, in order. */
export function assetDirs(appRoot: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = env[EXTRA_ASSET_DIR_ENV]?.trim();
  return [join(appRoot, 'assets'), ...(extra ? [resolve(extra)] : [])];
}

/** Analysis failures that mean the file will never play (the player would only fail on it or play silence). */
const UNPLAYABLE = new Set(['not-found', 'empty', 'unrecognised', 'silent', 'too-short']);
/** Tracks this close to playing are measured first. */
const URGENT_AHEAD_MS = 120_000;
const CUES_FORMAT = 'stillroom.cues/1';
/** Measurements of a batch republish the snapshot at most this often (progress, gains, cue points). */
export const ANALYSIS_PUBLISH_MS = 500;

/** The bundled worker sits next to the entry (`out/main/loudness-worker.js`); shared code may be one folder down in `chunks/`. */
function bundledWorkerUrl(): URL | undefined {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return undefined; // from source: the pool loads worker.ts through tsx
  const dir = dirname(fileURLToPath(here));
  const name = 'loudness-worker.js';
  for (const candidate of [join(dir, name), join(dir, '..', name)]) if (existsSync(candidate)) return pathToFileURL(candidate);
  return undefined;
}

export interface HostAudioOptions {
  /** Finds library files for tracks referenced by metadata (user and imported presets). */
  fromLibrary?: LibraryLookup;
  dataDir: string;
  appRoot: string;
  settings: Settings;
  clock: () => number;
  log: (line: string) => void;
  /** 'cues' reshape the timeline (rebuild it); 'state' only changes what the snapshot shows. */
  onChange: (what: 'state' | 'cues') => void;
  /** A track the player should never try: the host records `TrackFailed` with this reason. */
  onUnplayable: (trackId: string, reason: string) => void;
  /** For tests: a pool to use instead of one over `<data>/loudness-cache.json`. */
  pool?: { pool: LoudnessPool; cache: LoudnessCache };
}

interface Job {
  abort: AbortController;
  urgent: boolean;
}

export class HostAudio {
  private muted = false;
  private session: SessionState | null = null;
  private lateCues: Record<string, TrackCue> = {};
  /** Outcomes by absolute file path, for this process's lifetime. */
  private readonly outcomes = new Map<string, LoudnessOutcome>();
  private readonly jobs = new Map<string, Job>();
  /** ReplayGain tags of the current session's tracks (from probing at start). */
  private replayGain: Record<string, ReplayGainTag> = {};
  private check: PresetCheck | null = null;
  private checkedFiles = new Map<string, { phase: string; title: string }>();
  private readonly lastFileCheck = new Map<string, number>();
  /** Each session file as the session first saw it (see `core/track-files.ts`). */
  private readonly fileStamps = new Map<string, FileStamp>();
  private readonly reportedUnplayable = new Set<string>();
  private closed = false;
  /**
   * Cue points measured but not yet published, with the session they belong to. They become
   * known (`knownAt`) when published, so the timeline the player gets never claims a cue from
   * before the player could have had it.
   */
  private pendingCues: { sessionId: string; cues: Record<string, { cueInS: number; cueOutS: number }> } | null = null;
  /** A batch of measurements republishes about twice a second, not once per file. */
  private readonly publisher: Coalescer<'state' | 'cues'>;
  /** Section gains of the timeline last seen (see `sectionGains`). */
  private sections: Record<string, number> = {};

  private constructor(
    private readonly opts: HostAudioOptions,
    private readonly pool: LoudnessPool,
    private readonly cache: LoudnessCache,
  ) {
    this.publisher = new Coalescer(ANALYSIS_PUBLISH_MS, () => this.publish());
  }

  private publish(): void {
    if (this.closed) return;
    const pending = this.pendingCues;
    this.pendingCues = null;
    const state = this.session;
    if (pending && state && state.status === 'running' && state.plan.sessionId === pending.sessionId) {
      const knownAt = this.opts.clock();
      const fresh: Record<string, TrackCue> = {};
      for (const [id, c] of Object.entries(pending.cues)) if (!this.lateCues[id]) fresh[id] = { ...c, knownAt };
      if (Object.keys(fresh).length > 0) {
        this.lateCues = { ...this.lateCues, ...fresh };
        this.saveCues(state.plan.sessionId);
        this.opts.onChange('cues');
        return;
      }
    }
    this.opts.onChange('state');
  }

  static async open(opts: HostAudioOptions): Promise<HostAudio> {
    if (opts.pool) return new HostAudio(opts, opts.pool.pool, opts.pool.cache);
    const { cache, problem } = await LoudnessCache.open(opts.dataDir);
    if (problem) opts.log(`loudness cache: ${problem}`);
    const workerUrl = bundledWorkerUrl();
    const pool = new LoudnessPool({ cache, ...(workerUrl ? { workerUrl } : {}) });
    return new HostAudio(opts, pool, cache);
  }

  /** The folders presets' `asset` paths resolve in. */
  assetDirs(): string[] {
    return assetDirs(this.opts.appRoot);
  }

  /** Resolves a preset's tracks for a new session. */
  resolve(preset: Preset): Promise<ResolvedPlaylists> {
    return resolvePlaylists(preset, this.assetDirs(), this.opts.fromLibrary);
  }

  /**
   * Puts what is already known about each track into a new plan, without waiting for any
   * analysis: gain and cue points from the cache, or a gain from a ReplayGain tag. A file the
   * cache knows to be unplayable (silent, not audio) is reported now, before the session begins.
   */
  async preparePlan(plan: SessionPlan, replayGain: Record<string, ReplayGainTag>): Promise<void> {
    this.replayGain = { ...replayGain };
    for (const track of Object.values(plan.tracks)) {
      if (!track.file) continue;
      const outcome = await this.known(track.file);
      if (outcome?.ok) {
        const r = outcome.result;
        track.gainDb = round2(gainOf(r).gainDb);
        if (r.cueOutS - r.cueInS >= 1) {
          track.cueInS = r.cueInS;
          track.cueOutS = r.cueOutS;
        }
      } else if (outcome && UNPLAYABLE.has(outcome.error.code)) {
        track.problem = outcome.error.message;
        track.file = null;
      } else if (replayGain[track.id]) {
        track.gainDb = round2(trackGain({ replayGain: replayGain[track.id] }).gainDb);
      }
    }
  }

  /** Called before every timeline build: follows the host's session (a new one, a resumed one, none). */
  follow(state: SessionState | null): void {
    const prev = this.session;
    this.session = state;
    if (!state) return;
    if (prev?.plan.sessionId !== state.plan.sessionId) {
      this.lateCues = this.loadCues(state.plan.sessionId);
      this.pendingCues = null;
      this.reportedUnplayable.clear();
      this.lastFileCheck.clear();
      this.fileStamps.clear();
      for (const t of Object.values(state.plan.tracks)) {
        const stamp = t.file ? stampOf(t.file) : null;
        if (t.file && stamp) this.fileStamps.set(t.file, stamp);
      }
      if (prev) this.muted = false; // a new session starts audible (a restarted host does too)
      if (state.status === 'running') {
        // Measure every track of the session, in playlist order; `tick` moves what plays soon to the front.
        const order = [...state.plan.phaseTracks.flat(), ...(state.plan.fallbackTracks ?? []).flat()];
        for (const id of new Set(order)) {
          const file = state.plan.tracks[id]?.file;
          if (file) this.measure(file, false);
        }
      }
    }
  }

  /**
   * Every second: measure what plays soon first, check the files of what plays now and soon,
   * and level each segment by what it plays (published only when that changed).
   */
  tick(timeline: Timeline | null, now: number): void {
    const state = this.session;
    if (state?.status !== 'running' || !timeline) {
      if (Object.keys(this.sections).length > 0) {
        this.sections = {};
        this.publisher.request('state');
      }
      return;
    }
    for (const seg of timeline.segments) {
      if (seg.end <= now || seg.start - now > URGENT_AHEAD_MS) continue;
      const file = state.plan.tracks[seg.trackId]?.file;
      if (file) this.measure(file, true);
    }
    this.checkFiles(timeline, now);
    const sections = this.sectionGains(timeline, now);
    if (!sameGains(sections, this.sections)) {
      this.sections = sections;
      this.publisher.request('state');
    }
  }

  /**
   * Gains for segments that play only part of their track (a phase that fades a track out
   * early): levelled by that part (`sectionGain`), capped by that part's true peak. Segments
   * already over are left out; so is any whose gain would be the track's own (within 0.1 dB).
   */
  private sectionGains(timeline: Timeline, now: number): Record<string, number> {
    const state = this.session;
    const out: Record<string, number> = {};
    if (!state) return out;
    for (const seg of timeline.segments) {
      if (seg.end <= now || seg.failedAt !== undefined) continue;
      const file = state.plan.tracks[seg.trackId]?.file;
      const o = file ? this.outcomes.get(file) : undefined;
      if (!o?.ok) continue;
      const r = o.result;
      const whole = gainOf(r).gainDb;
      const part = sectionGain(r, heardSection(seg)).gainDb;
      if (Math.abs(part - whole) >= 0.1) out[seg.id] = round2(part);
    }
    return out;
  }

  /** Cue points learned during the running session (for `buildTimeline`). */
  cues(): TrackCues {
    return this.lateCues;
  }

  /**
   * Every second: the files of tracks playing now or soon must still be there and unchanged.
   * A deleted, moved, truncated or re-written file is reported at once, so the music moves on
   * with a fade instead of failing later in the player (or, for a track still streaming,
   * stopping dead when its data runs out).
   */
  private checkFiles(timeline: Timeline, now: number): void {
    const state = this.session;
    if (!state) return;
    const settled = (id: string) => this.reportedUnplayable.has(id) || state.failures.some((f) => f.trackId === id);
    for (const id of tracksToCheck(timeline.segments, now, this.lastFileCheck, settled)) {
      this.lastFileCheck.set(id, now);
      const file = state.plan.tracks[id]?.file;
      if (!file) continue;
      const stamp = stampOf(file);
      const why = fileChangeReason(this.fileStamps.get(file), stamp);
      if (why) this.unplayable(id, why);
      else if (stamp && !this.fileStamps.has(file)) this.fileStamps.set(file, stamp);
    }
  }

  /** Playback's command handlers (see `audio/contract.ts`); `preset` finds a preset by id. */
  handlers(preset: (id: string) => Preset | null): Handlers<typeof audioCommands> {
    return {
      setMute: (a) => {
        this.muted = a.on;
        return undefined;
      },
      setOutputDevice: (a) => {
        this.opts.settings.set('outputDevice', { deviceId: a.deviceId, label: a.label });
        return undefined;
      },
      checkPreset: async (a) => {
        const found = preset(a.presetId);
        if (!found) throw new Refusal(`no preset with id "${a.presetId}"`);
        await this.checkPreset(found);
        return undefined;
      },
    };
  }

  /**
   * The pre-session check: which tracks are missing or unplayable, said before the session
   * begins; the rest are measured in the background so the session starts levelled.
   */
  private async checkPreset(preset: Preset): Promise<void> {
    const resolved = await this.resolve(preset);
    const files = new Map<string, { phase: string; title: string }>();
    const problems: TrackProblem[] = [];
    const seen = new Set<string>();
    preset.phases.forEach((phase, i) => {
      const ids = [...(resolved.phaseTracks[i] ?? []), ...(resolved.fallbackTracks[i] ?? [])];
      for (const id of ids) {
        const t = resolved.tracks[id];
        if (!t || seen.has(id)) continue;
        seen.add(id);
        if (t.file) files.set(t.file, { phase: phase.name, title: t.title });
        else problems.push({ phase: phase.name, title: t.title, problem: t.problem ?? 'not found', kind: 'missing' });
      }
    });
    this.check = { presetId: preset.id, tracks: seen.size, found: files.size, measured: 0, done: 0, problems, analysing: files.size > 0 };
    this.checkedFiles = files;
    for (const file of files.keys()) this.measure(file, false);
    this.updateCheck();
  }

  private updateCheck(): void {
    const check = this.check;
    if (!check) return;
    let measured = 0;
    const unplayable: TrackProblem[] = [];
    for (const [file, where] of this.checkedFiles) {
      const o = this.outcomes.get(file);
      if (!o) continue;
      if (o.ok) measured++;
      else if (UNPLAYABLE.has(o.error.code)) unplayable.push({ ...where, problem: o.error.message, kind: 'unplayable' });
    }
    const { done, total } = batchProgress(this.checkedFiles.keys(), (f) => this.outcomes.has(f));
    const missing = check.problems.filter((p) => p.kind === 'missing');
    this.check = { ...check, measured, done, problems: [...missing, ...unplayable], analysing: done < total };
  }

  snapshot(): AudioSnapshot {
    const state = this.session;
    const gains: Record<string, TrackGainInfo> = {};
    const files: string[] = [];
    if (state && state.status === 'running') {
      for (const t of Object.values(state.plan.tracks)) {
        if (!t.file) continue;
        files.push(t.file);
        gains[t.id] = this.gainFor(t.id, t.file, t.gainDb);
      }
    }
    return {
      muted: this.muted,
      outputDevice: this.opts.settings.get('outputDevice'),
      gains,
      sections: state?.status === 'running' ? this.sections : {},
      analysis: batchProgress(files, (f) => this.outcomes.has(f)),
      check: this.check,
    };
  }

  private gainFor(trackId: string, file: string, planned: number | undefined): TrackGainInfo {
    const o = this.outcomes.get(file);
    if (o?.ok) {
      const g = gainOf(o.result);
      return { gainDb: round2(g.gainDb), basis: 'measured', lufs: round2(o.result.integratedLufs) };
    }
    const rg = this.replayGain[trackId];
    if (rg) return { gainDb: round2(trackGain({ replayGain: rg }).gainDb), basis: 'replaygain' };
    if (planned !== undefined) return { gainDb: planned, basis: 'replaygain' };
    return { gainDb: round2(trackGain({}).gainDb), basis: 'unmeasured' };
  }

  /** The cached outcome for a file as it is now, if any (no analysis). */
  private async known(file: string): Promise<LoudnessOutcome | null> {
    const have = this.outcomes.get(file);
    if (have) return have;
    const id = await identityOf(file);
    const hit = id ? this.cache.lookup(file, id) : null;
    if (hit) this.outcomes.set(file, { ...hit, file });
    return hit;
  }

  /** Queues a file for measurement (once); `urgent` moves a queued one to the front. */
  private measure(file: string, urgent: boolean): void {
    if (this.closed || this.outcomes.has(file)) return;
    const job = this.jobs.get(file);
    if (job && (job.urgent || !urgent)) return;
    job?.abort.abort(); // re-queue at the front
    const abort = new AbortController();
    this.jobs.set(file, { abort, urgent });
    void this.pool.analyse(file, { urgent, signal: abort.signal }).then((outcome) => {
      if (this.jobs.get(file)?.abort !== abort) return; // replaced by an urgent request
      this.jobs.delete(file);
      if (!outcome.ok && outcome.error.code === 'cancelled') return;
      this.measured(file, outcome);
    });
  }

  private measured(file: string, outcome: LoudnessOutcome): void {
    this.outcomes.set(file, outcome);
    if (!outcome.ok) this.opts.log(`loudness: ${file}: ${outcome.error.code}: ${outcome.error.message}`);
    const state = this.session;
    let cuesChanged = false;
    if (state && state.status === 'running') {
      const sessionId = state.plan.sessionId;
      if (this.pendingCues?.sessionId !== sessionId) this.pendingCues = { sessionId, cues: {} };
      const pending = this.pendingCues.cues;
      for (const t of Object.values(state.plan.tracks)) {
        if (t.file !== file) continue;
        if (outcome.ok) {
          const r = outcome.result;
          if (t.cueInS === undefined && !this.lateCues[t.id] && !pending[t.id] && r.cueOutS - r.cueInS >= 1) {
            pending[t.id] = { cueInS: r.cueInS, cueOutS: r.cueOutS };
            cuesChanged = true;
          }
        } else if (UNPLAYABLE.has(outcome.error.code)) {
          this.unplayable(t.id, outcome.error.message);
        }
      }
    }
    if (this.checkedFiles.has(file)) this.updateCheck();
    this.publisher.request(cuesChanged ? 'cues' : 'state');
  }

  private unplayable(trackId: string, reason: string): void {
    if (this.reportedUnplayable.has(trackId)) return;
    this.reportedUnplayable.add(trackId);
    this.opts.onUnplayable(trackId, reason);
  }

  private cuesFile(sessionId: string): string {
    return join(this.opts.dataDir, 'sessions', `${sessionId}.cues.json`);
  }

  private loadCues(sessionId: string): Record<string, TrackCue> {
    const file = this.cuesFile(sessionId);
    if (!existsSync(file)) return {};
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; cues?: unknown };
      if (data.format !== CUES_FORMAT || typeof data.cues !== 'object' || data.cues === null) throw new Error('not a cue file');
      const out: Record<string, TrackCue> = {};
      for (const [id, c] of Object.entries(data.cues as Record<string, Partial<TrackCue>>)) {
        if ([c.cueInS, c.cueOutS, c.knownAt].every((x) => typeof x === 'number' && Number.isFinite(x))) {
          out[id] = { cueInS: c.cueInS as number, cueOutS: c.cueOutS as number, knownAt: c.knownAt as number };
        }
      }
      return out;
    } catch (err) {
      this.opts.log(`cue points: ${file} could not be read (${(err as Error).message}); tracks play from their start`);
      return {};
    }
  }

  private saveCues(sessionId: string): void {
    const file = this.cuesFile(sessionId);
    try {
      mkdirSync(dirname(file), { recursive: true });
      const temp = `${file}.partial`;
      writeFileSync(temp, JSON.stringify({ format: CUES_FORMAT, cues: this.lateCues }));
      renameSync(temp, file);
    } catch (err) {
      this.opts.log(`cue points: could not save ${file} (${(err as Error).message})`);
    }
  }

  /** Stops measuring and writes the cache; never rejects (a cache that can't be written is only logged). */
  async close(): Promise<void> {
    this.closed = true;
    this.publisher.dispose();
    for (const j of this.jobs.values()) j.abort.abort();
    this.jobs.clear();
    await this.pool.close().catch((err: unknown) => this.opts.log(`loudness cache: not saved (${(err as Error).message})`));
  }
}

function gainOf(r: LoudnessResult): TrackGain {
  return trackGain({ measured: { integratedLufs: r.integratedLufs, truePeakDbtp: r.truePeakDbtp, channels: r.channels } });
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

function sameGains(a: Record<string, number>, b: Record<string, number>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/** Size and modification time of a regular file; null when it is not there (or not a file). */
function stampOf(file: string): FileStamp | null {
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    return st?.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  } catch {
    return null;
  }
}
