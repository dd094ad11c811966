/**
 * The host: the one place that decides. It validates every command against its declaration
 * (`contract.ts`), runs its handler one at a time, and tells whichever shell is attached
 * (Electron IPC or WebSocket) what changed:
 *
 * - a session change (every command declared `replans`: they append to the journal, fsynced,
 *   *before* they take effect) rebuilds the timeline, hands it to the lighting director and
 *   the playback module, and publishes the whole snapshot;
 * - anything else (a light's health, scan progress, the lamp during a fade, the panel's look,
 *   a preset saved) publishes only its own part of the snapshot as a patch, so nothing replans.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { clockFormatFor, formatClock } from '../core/format';
import { applyEvent, type NewSessionEvent, type SessionEvent, type SessionState } from '../core/session';
import { buildTimeline, DEFAULT_HORIZON_MS, type Timeline } from '../core/timeline';
import { integrityNotice, Journal, JournalWriteError, listJournals, readJournal } from '../services/journal';
import { LightingDirector } from '../services/lighting/director';
import type { LightDriver } from '../services/lighting/driver';
import { VirtualLamp } from '../services/lighting/virtual';
import { lockDataDir } from '../services/lock';
import type { SupportLog } from '../services/log';
import { type LoadedPreset, loadPresets, type PresetCatalog, summarise } from '../services/presets';
import type { Settings } from '../services/settings';
import type { Vault } from '../services/vault';
import { HostAudio } from './audio';
import { audioCommands } from './audio/contract';
import { clinicalHandlers } from './clinical';
import { PanelPrefsStore } from './clinical/prefs';
import type { HandlerReply, Handlers } from './command';
import {
  type CommandName,
  type CommandResult,
  type CommandSpecs,
  commandSpecs,
  type HostMessage,
  type HostPatch,
  type HostSnapshot,
  type LampState,
  validateCommand,
} from './contract';
import { HostLibrary } from './library';
import { libraryCommands } from './library/contract';
import { type LightsArea, setupLights } from './lights';
import { lightsCommands } from './lights/contract';
import { machineHandlers, machineSnapshot } from './machine';
import { machineCommands } from './machine/contract';
import { HostSharing } from './presets';
import { presetsCommands } from './presets/contract';
import { Refusal } from './refusal';
import { sessionHandlers } from './session';

export type { HostMessage } from './contract';

export interface HostOptions {
  /** Where journals, settings and the user's presets live. */
  dataDir: string;
  /** Folder holding `playlists/` and `assets/`. */
  appRoot: string;
  settings: Settings;
  clock?: () => number;
  log?: (line: string) => void;
  /** Lighting tick; 1 s by default. */
  tickMs?: number;
  /** The preset the start view offers first. */
  defaultPresetId?: string | null;
  /** Extra light drivers besides the on-screen lamp. */
  drivers?: LightDriver[];
  /**
   * Encryption at rest (journal lines, device secrets). Both shells pass one; tests that
   * leave it out get plain journals.
   */
  vault?: Vault | null;
  /**
   * The support log the shell keeps (`services/log.ts`): `log` lines go there, and the host tells
   * it which texts are private (the session's alias and intention). Without one, lines go to `log`.
   */
  supportLog?: SupportLog | null;
  /**
   * The data folder's lock when the shell took it already (its release function): the browser
   * host takes it before it says it is ready, so a busy folder is refused before any page loads.
   * Without it the host takes the lock itself.
   */
  heldLock?: () => void;
}

/**
 * Open-ended phases (held, waiting for the dose, the last one) are planned `DEFAULT_HORIZON_MS`
 * ahead; the host replans when less than this is left, so the music is always planned well
 * ahead and nothing is resent while nothing changes.
 */
/** The parts of the snapshot an area sends on its own (the session's parts come whole). */
const PATCHED_PARTS = ['presets', 'presetProblems', 'sharing', 'library', 'lights', 'audio', 'prefs', 'machine', 'lamp'] as const;

const REPLAN_BEFORE_HORIZON_MS = DEFAULT_HORIZON_MS - 10 * 60_000;

export class StillroomHost {
  private catalog: PresetCatalog = { presets: [], problems: [] };
  private state: SessionState | null = null;
  private timeline: Timeline | null = null;
  private journal: Journal | null = null;
  private listeners = new Set<(m: HostMessage) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private notices: string[] = [];
  private lamp: LampState;
  private director: LightingDirector;
  private timer: ReturnType<typeof setInterval> | null = null;
  private releaseLock: () => void;
  private readonly prefs: PanelPrefsStore;
  /** Playback beside the timeline: loudness, cue points, file checks, mute, output device. */
  private audio!: HostAudio;
  /** The room's real lights: devices from settings, pairing, test pulse, preview, status. */
  private lights!: LightsArea;
  /** Music library. */
  private library!: HostLibrary;
  /** Presets: editing, export/import with the resolution report, signing, the clinic folder. */
  private sharing!: HostSharing;
  /** Every command's handler, by name (the compiler checks there is exactly one per declaration). */
  private handlers!: Handlers<CommandSpecs>;
  /** What a command that does not replan publishes: its own area's part of the snapshot. */
  private readonly areaPatch = new Map<CommandName, () => Omit<HostPatch, 'now'>>();
  /** The last text sent of each part that travels as a patch, so an unchanged part is not resent. */
  private readonly sent = new Map<string, string>();
  private readonly clock: () => number;
  private readonly log: (line: string) => void;

  private constructor(private readonly opts: HostOptions) {
    this.clock = opts.clock ?? Date.now;
    this.log = opts.log ?? (opts.supportLog ? (l) => opts.supportLog?.line(l) : (l) => process.stderr.write(`${l}\n`));
    this.releaseLock = opts.heldLock ?? lockDataDir(opts.dataDir);
    this.prefs = new PanelPrefsStore(opts.dataDir, this.log);
    const safe = opts.settings.get('safeScene');
    this.lamp = { level: safe.level, kelvin: safe.kelvin, moving: false };
    const virtual = new VirtualLamp(safe, (s) => {
      const moving = this.director?.now.moving ?? false;
      const changed =
        Math.abs(s.level - this.lamp.level) >= 0.05 || Math.abs(s.kelvin - this.lamp.kelvin) >= 1 || moving !== this.lamp.moving;
      this.lamp = { level: s.level, kelvin: s.kelvin, moving };
      if (changed) this.publish({ lamp: this.lamp });
    });
    this.director = new LightingDirector([virtual, ...(opts.drivers ?? [])], safe, opts.tickMs ?? 1000);
  }

  /** Opens the host on a data folder: takes its lock, loads presets, resumes a running session. */
  static async open(opts: HostOptions): Promise<StillroomHost> {
    const host = new StillroomHost(opts);
    try {
      await host.setup();
    } catch (err) {
      host.close();
      throw err;
    }
    return host;
  }

  private async setup(): Promise<void> {
    const opts = this.opts;
    const base = { dataDir: opts.dataDir, appRoot: opts.appRoot, settings: opts.settings, clock: this.clock, log: this.log };
    this.library = await HostLibrary.open({
      ...base,
      onChange: () => this.publish({ library: this.library.snapshot() }),
      reloadPresets: () => this.reloadPresets(),
    });
    this.sharing = new HostSharing({
      ...base,
      vault: opts.vault ?? null,
      library: this.library,
      presets: () => this.catalog,
      onChange: () => this.publish(this.presetsPatch()),
      reloadPresets: () => this.reloadPresets(),
      sessionRunning: () => this.state?.status === 'running',
    });
    this.audio = await HostAudio.open({
      ...opts,
      fromLibrary: (ref) => this.library.lookup(ref),
      clock: this.clock,
      log: this.log,
      // A cue point moves segments: replan. Gains, progress and the file check are playback's own part.
      onChange: (what) => (what === 'cues' ? this.replan() : this.publish({ audio: this.audio.snapshot() })),
      onUnplayable: (trackId, reason) => void this.dispatch('reportTrackFailed', { trackId, reason }),
    });
    this.lights = setupLights({
      settings: opts.settings,
      clock: this.clock,
      log: this.log,
      vault: opts.vault ?? null,
      director: this.director,
      onChange: () => this.publish({ lights: this.lights.snapshot() }),
      sessionRunning: () => this.state?.status === 'running',
    });
    this.handlers = {
      ...sessionHandlers({
        now: this.clock,
        state: () => this.state,
        timeline: () => this.timeline,
        preset: (id) => this.findPreset(id),
        resolve: (preset) => this.audio.resolve(preset),
        preparePlan: (plan, replayGain) => this.audio.preparePlan(plan, replayGain),
        safeScene: () => opts.settings.get('safeScene'),
        beginJournal: (plan, at) => {
          const journal = Journal.create(this.sessionsDir, plan.sessionId, opts.vault ?? null);
          let first: SessionEvent;
          try {
            first = journal.append({ type: 'SessionStarted', at, plan });
          } catch (err) {
            journal.close();
            rmSync(journal.file, { force: true });
            throw err;
          }
          this.journal?.close();
          this.journal = journal;
          this.state = applyEvent(null, first);
          this.notices = [];
        },
        append: (ev) => this.append(ev),
        notice: (text) => this.notice(text),
        log: this.log,
      }),
      ...clinicalHandlers({
        state: () => this.state,
        journalOpen: () => this.journal !== null,
        now: this.clock,
        timeline: () => this.timeline,
        append: (ev) => this.append(ev),
        prefs: this.prefs,
        dataDir: opts.dataDir,
      }),
      ...this.audio.handlers((id) => this.findPreset(id)),
      ...this.lights.handlers,
      ...this.library.commands,
      ...this.sharing.commands,
      ...machineHandlers({ settings: opts.settings, dataDir: opts.dataDir, supportLog: opts.supportLog ?? null, now: this.clock }),
    };
    const areas: Array<[Record<string, unknown>, () => Omit<HostPatch, 'now'>]> = [
      [audioCommands, () => ({ audio: this.audio.snapshot() })],
      [lightsCommands, () => ({ lights: this.lights.snapshot() })],
      [libraryCommands, () => ({ library: this.library.snapshot() })],
      [presetsCommands, () => this.presetsPatch()],
      [machineCommands, () => ({ machine: machineSnapshot(this.opts.settings) })],
    ];
    for (const [commands, patch] of areas) for (const name of Object.keys(commands)) this.areaPatch.set(name as CommandName, patch);
    this.areaPatch.set('setPanelPrefs', () => ({ prefs: this.prefs.get() }));
    this.areaPatch.set('setClinician', () => ({ prefs: this.prefs.get() }));
    this.areaPatch.set('exportReport', () => ({}));

    this.reloadPresets();
    this.resume();
    this.replan();
    this.timer = setInterval(() => this.tick(), opts.tickMs ?? 1000);
    this.timer.unref?.();
    this.tick();
  }

  private get sessionsDir(): string {
    return join(this.opts.dataDir, 'sessions');
  }

  reloadPresets(): void {
    this.catalog = this.sharing
      ? this.sharing.loadCatalog()
      : loadPresets(join(this.opts.appRoot, 'playlists'), join(this.opts.dataDir, 'presets'));
    for (const p of this.catalog.problems) this.log(`preset refused: ${p.source}: ${p.message}`);
  }

  private findPreset(id: string) {
    return this.catalog.presets.find((p) => p.preset.id === id)?.preset ?? null;
  }

  private presetsPatch(): Omit<HostPatch, 'now'> {
    return { presets: this.catalog.presets.map(summarise), presetProblems: this.catalog.problems, sharing: this.sharing?.snapshot() };
  }

  /**
   * Replays the newest journal. A session that was running when the process died continues;
   * one that had ended comes back as ended, so its Summary and Report still work and the record
   * that follows the music (discharge, late vitals) still appends to its journal.
   */
  private resume(): void {
    // An empty file is a session whose start was refused (the disk was full): not the last session.
    const file = listJournals(this.sessionsDir)
      .filter((f) => statSync(f).size > 0)
      .at(-1);
    if (!file) return;
    const vault = this.opts.vault ?? null;
    const { events, skipped, integrity } = readJournal(file, vault);
    for (const s of skipped) this.log(`journal: ${s}`);
    let state: SessionState | null = null;
    for (const ev of events) state = applyEvent(state, ev);
    if (!state) {
      if (skipped.length > 0)
        this.notice(
          integrity.wrongKey
            ? `The last session’s journal was written with another data key${vault?.keyFile ? ` than ${vault.keyFile}` : ''}; it was left as it is. Restore the key file that belongs with this data folder to read it.`
            : 'The last session’s journal could not be read (its first entry is missing or damaged); it was left as it is.',
        );
      return;
    }
    this.state = state;
    this.journal = Journal.reopen(file, state.lastSeq, vault);
    const damage = integrityNotice(integrity);
    if (damage) this.notice(damage);
    if (state.status === 'running') {
      const at = formatClock(state.startedAt, { format: clockFormatFor(this.prefs.get().clockFormat) });
      this.notice(`Resumed the session started at ${at}.`);
      this.log(`resumed session ${state.plan.sessionId} (${events.length} events)`);
    } else {
      this.log(`reopened the ended session ${state.plan.sessionId} for its summary and report (${events.length} events)`);
    }
  }

  presets(): LoadedPreset[] {
    return this.catalog.presets;
  }

  /** Validates and runs one command. Commands run one at a time, in order; none can throw out of here. */
  dispatch(name: unknown, args: unknown): Promise<CommandResult> {
    let v: ReturnType<typeof validateCommand>;
    try {
      v = validateCommand(name, args);
    } catch (err) {
      this.log(`command validation failed: ${(err as Error).stack ?? String(err)}`);
      return Promise.resolve({ ok: false, error: 'the command could not be read' });
    }
    if (!v.ok) return Promise.resolve({ ok: false, error: v.error });
    const valid = v;
    const run = this.queue.then(() => this.execute(valid.name, valid.args));
    this.queue = run.catch(() => undefined);
    return run.then(
      (reply): CommandResult => ({
        ok: true,
        ...(reply?.file ? { file: reply.file } : {}),
        ...(reply && 'data' in reply && reply.data !== undefined ? { data: reply.data as never } : {}),
      }),
      (err: unknown): CommandResult => {
        // A refusal is an answer; a journal that could not write (disk full) is said in one line.
        if (err instanceof JournalWriteError) this.log(`command ${valid.name} not saved: ${err.message}`);
        else if (!(err instanceof Refusal)) this.log(`command ${valid.name} failed: ${(err as Error)?.stack ?? String(err)}`);
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      },
    );
  }

  private async execute(name: CommandName, args: unknown): Promise<HandlerReply<unknown> | undefined> {
    // `args` passed this command's own schema in validateCommand: the one place name and
    // arguments are joined without the compiler's help.
    const handler = this.handlers[name] as (a: unknown) => HandlerReply<unknown> | Promise<HandlerReply<unknown>>;
    const reply = await handler(args);
    if (commandSpecs[name].replans) this.replan();
    else {
      const patch = this.areaPatch.get(name)?.();
      if (patch && Object.keys(patch).length > 0) this.publish(patch);
    }
    return reply;
  }

  private append(ev: NewSessionEvent): void {
    if (!this.journal) throw new Refusal('no session is running');
    const full = this.journal.append(ev);
    this.state = applyEvent(this.state, full);
  }

  private notice(text: string): void {
    this.notices = [...this.notices.slice(-4), text];
  }

  /** A session change: rebuilds the timeline, tells playback and the lighting director, publishes everything. */
  private replan(): void {
    // A module may report a change while the host is still opening; setup() replans at its end.
    if (!this.handlers) return;
    const now = this.clock();
    this.audio.follow(this.state);
    if (this.state) this.opts.supportLog?.setPrivate([this.state.plan.clientAlias, this.state.plan.intention]);
    this.timeline = this.state ? buildTimeline(this.state, now, undefined, this.audio.cues()) : null;
    const safe = this.state?.plan.safeScene ?? this.opts.settings.get('safeScene');
    // Safe state is the director's mode: the latest interval says whether it is on and since (or until) when.
    const iv = this.state?.safe.intervals.at(-1);
    if (iv) this.director.setSafe(iv.to === null, iv.to ?? iv.from, safe);
    this.director.setKeyframes(this.timeline?.light ?? null, safe);
    this.director.tick(now);
    const snapshot = this.snapshot();
    this.rememberSent(snapshot);
    this.emit({ kind: 'state', snapshot });
  }

  /** One area's change: only its part of the snapshot goes out. */
  private publish(patch: Omit<HostPatch, 'now'>): void {
    if (!this.handlers) return;
    // Only the parts that really changed since they were last sent: a read-only command (a
    // search, opening a preset) or a health check that found all well sends nothing.
    const changed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(patch)) {
      const text = JSON.stringify(value) ?? 'undefined';
      if (this.sent.get(key) === text) continue;
      this.sent.set(key, text);
      changed[key] = value;
    }
    if (Object.keys(changed).length === 0) return;
    this.emit({ kind: 'patch', patch: { ...(changed as Omit<HostPatch, 'now'>), now: this.clock() } });
  }

  /** Remembers what the whole snapshot carried of the parts that travel as patches. */
  private rememberSent(s: HostSnapshot): void {
    for (const key of PATCHED_PARTS) this.sent.set(key, JSON.stringify(s[key]) ?? 'undefined');
  }

  private tick(): void {
    const now = this.clock();
    const horizon = this.timeline?.horizonEnd;
    if (this.state?.status === 'running' && horizon !== undefined && horizon - now < REPLAN_BEFORE_HORIZON_MS) this.replan();
    else this.director.tick(now);
    this.audio.tick(this.timeline, now);
  }

  snapshot(): HostSnapshot {
    return {
      now: this.clock(),
      presets: this.catalog.presets.map(summarise),
      defaultPresetId: this.opts.defaultPresetId ?? null,
      presetProblems: this.catalog.problems,
      session: this.state,
      timeline: this.timeline,
      lamp: this.lamp,
      notices: this.notices,
      prefs: this.prefs.get(),
      audio: this.audio?.snapshot(),
      lights: this.lights?.snapshot(),
      library: this.library?.snapshot(),
      sharing: this.sharing?.snapshot(),
      machine: machineSnapshot(this.opts.settings),
    };
  }

  /** Listens to state messages; returns an unsubscribe function. */
  subscribe(listener: (m: HostMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(m: HostMessage): void {
    for (const l of this.listeners) {
      try {
        l(m);
      } catch (err) {
        this.log(`listener failed: ${(err as Error).message}`);
      }
    }
  }

  /** The file behind a track of the current session (or, with none running, the track being auditioned), or null. */
  mediaFile(trackId: string): string | null {
    const planned = this.state?.plan.tracks[trackId]?.file;
    if (planned) return planned;
    // A track the therapist listens to in the presets view; never while a session runs.
    return this.state?.status === 'running' ? null : (this.sharing?.auditionFile(trackId) ?? null);
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.journal?.close();
    this.journal = null;
    this.listeners.clear();
    void this.audio?.close();
    this.lights?.close();
    this.library?.close();
    this.sharing?.close();
    this.releaseLock();
  }
}
