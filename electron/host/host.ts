/**
 * The host: the one place that decides. It validates every command, turns it into a
 * session event, appends the event to the journal (fsync) *before* it takes effect, and
 * publishes state + timeline to whichever shell is attached (Electron IPC or WebSocket).
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { applyEvent, type NewSessionEvent, phaseIndexAt, type SessionPlan, type SessionState } from '../core/session';
import { buildTimeline, segmentsAt, type Timeline } from '../core/timeline';
import { integrityNotice, Journal, listJournals, readJournal } from '../services/journal';
import { LightingDirector } from '../services/lighting/director';
import type { LightDriver } from '../services/lighting/driver';
import { VirtualLamp } from '../services/lighting/virtual';
import { lockDataDir } from '../services/lock';
import { type LoadedPreset, loadPresets, type PresetCatalog, summarise } from '../services/presets';
import type { Settings } from '../services/settings';
import type { Vault } from '../services/vault';
import { HostAudio } from './audio';
import { checkedTime, isClinicalCommand, Refusal, runClinical } from './clinical';
import {
  type CommandName,
  type CommandResult,
  type HostSnapshot,
  type LampState,
  type ModuleReply,
  type ParsedArgs,
  validateCommand,
} from './contract';
import { HostLibrary, isLibraryCommand } from './library';
import { HostLights, isLightsCommand } from './lights';
import { PanelPrefsStore } from './prefs';
import { HostSharing, isSharingCommand } from './sharing';

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
}

export type HostMessage = { kind: 'state'; snapshot: HostSnapshot } | { kind: 'lamp'; lamp: LampState };

/** How often the whole snapshot is re-sent while a session runs (keeps the music horizon ahead). */
const REPUBLISH_MS = 60_000;

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
  private lastPublish = 0;
  private releaseLock: () => void;
  private readonly prefs: PanelPrefsStore;
  /** Playback beside the timeline: loudness, cue points, file checks, mute, output device. */
  private audio!: HostAudio;
  /** The room's real lights: devices from settings, pairing, test pulse, preview, status. */
  private lights!: HostLights;
  /** Music library and preset sharing. */
  private library!: HostLibrary;
  /** Presets: editing, export/import with the resolution report, signing, the clinic folder. */
  private sharing!: HostSharing;
  private readonly clock: () => number;
  private readonly log: (line: string) => void;

  private constructor(private readonly opts: HostOptions) {
    this.clock = opts.clock ?? Date.now;
    this.log = opts.log ?? ((l) => process.stderr.write(`${l}\n`));
    this.releaseLock = lockDataDir(opts.dataDir);
    this.prefs = new PanelPrefsStore(opts.dataDir, this.log);
    const safe = opts.settings.get('safeScene');
    this.lamp = { level: safe.level, kelvin: safe.kelvin, moving: false };
    const virtual = new VirtualLamp(safe, (s) => {
      const moving = this.director?.now.moving ?? false;
      const changed =
        Math.abs(s.level - this.lamp.level) >= 0.05 || Math.abs(s.kelvin - this.lamp.kelvin) >= 1 || moving !== this.lamp.moving;
      this.lamp = { level: s.level, kelvin: s.kelvin, moving };
      if (changed) this.emit({ kind: 'lamp', lamp: this.lamp });
    });
    this.director = new LightingDirector([virtual, ...(opts.drivers ?? [])], safe, opts.tickMs ?? 1000);
  }

  /** Opens the host on a data folder: takes its lock, loads presets, resumes a running session. */
  static async open(opts: HostOptions): Promise<StillroomHost> {
    const host = new StillroomHost(opts);
    try {
      host.library = await HostLibrary.open({
        dataDir: opts.dataDir,
        appRoot: opts.appRoot,
        settings: opts.settings,
        clock: host.clock,
        log: host.log,
        onChange: () => host.refresh(),
        reloadPresets: () => host.reloadPresets(),
      });
      host.sharing = new HostSharing({
        dataDir: opts.dataDir,
        appRoot: opts.appRoot,
        settings: opts.settings,
        vault: opts.vault ?? null,
        library: host.library,
        presets: () => host.catalog,
        clock: host.clock,
        log: host.log,
        onChange: () => host.refresh(),
        reloadPresets: () => host.reloadPresets(),
        sessionRunning: () => host.state?.status === 'running',
      });
      host.audio = await HostAudio.open({
        ...opts,
        fromLibrary: (ref) => host.library.lookup(ref),
        clock: host.clock,
        log: host.log,
        onChange: () => host.refresh(),
        onUnplayable: (trackId, reason) => void host.dispatch('reportTrackFailed', { trackId, reason }),
      });
      host.lights = new HostLights({
        dataDir: opts.dataDir,
        settings: opts.settings,
        vault: opts.vault ?? null,
        director: host.director,
        clock: host.clock,
        log: host.log,
        onChange: () => host.refresh(),
        sessionRunning: () => host.state?.status === 'running',
      });
      host.reloadPresets();
      host.resume();
      host.refresh();
      host.timer = setInterval(() => host.tick(), opts.tickMs ?? 1000);
      host.timer.unref?.();
      host.tick();
    } catch (err) {
      host.close();
      throw err;
    }
    return host;
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
      const at = new Date(state.startedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      this.notice(`Resumed the session started at ${at}.`);
      this.log(`resumed session ${state.plan.sessionId} (${events.length} events)`);
    } else {
      this.log(`reopened the ended session ${state.plan.sessionId} for its summary and report (${events.length} events)`);
    }
  }

  presets(): LoadedPreset[] {
    return this.catalog.presets;
  }

  /** Validates and runs one command. Commands run one at a time, in order. */
  dispatch(name: unknown, args: unknown): Promise<CommandResult> {
    const v = validateCommand(name, args);
    if (!v.ok) return Promise.resolve({ ok: false, error: v.error });
    const run = this.queue.then(() => this.execute(v.name, v.args));
    this.queue = run.catch(() => undefined);
    return run.then(
      (reply): CommandResult => ({
        ok: true,
        ...(reply?.file ? { file: reply.file } : {}),
        ...(reply?.data !== undefined ? { data: reply.data as never } : {}),
      }),
      (err: unknown): CommandResult => {
        if (!(err instanceof Refusal)) this.log(`command ${v.name} failed: ${(err as Error).stack ?? String(err)}`);
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      },
    );
  }

  private append(ev: NewSessionEvent): void {
    if (!this.journal) throw new Refusal('no session is running');
    const full = this.journal.append(ev);
    this.state = applyEvent(this.state, full);
  }

  private requireRunning(): SessionState {
    if (this.state?.status !== 'running' || !this.journal) throw new Refusal('no session is running');
    return this.state;
  }

  private async execute(name: CommandName, rawArgs: ParsedArgs<CommandName>): Promise<ModuleReply | undefined> {
    const at = this.clock();
    if (isLightsCommand(name)) return this.lights.execute(name, rawArgs as ParsedArgs<typeof name>);
    if (isLibraryCommand(name)) return this.library.execute(name, rawArgs as ParsedArgs<typeof name>);
    if (isSharingCommand(name)) return this.sharing.execute(name, rawArgs as ParsedArgs<typeof name>);
    if (isClinicalCommand(name)) {
      const file = runClinical(name, rawArgs, {
        state: this.state,
        journalOpen: this.journal !== null,
        at,
        timeline: this.timeline,
        append: (ev) => this.append(ev),
        prefs: this.prefs,
        dataDir: this.opts.dataDir,
      });
      // An export changes nothing: no need to rebuild and resend everything.
      if (name !== 'exportReport') this.refresh();
      return file ? { file } : undefined;
    }
    switch (name) {
      case 'startSession': {
        const args = rawArgs as ParsedArgs<'startSession'>;
        if (this.state?.status === 'running') throw new Refusal('a session is already running; end it before starting another');
        const loaded = this.catalog.presets.find((p) => p.preset.id === args.presetId);
        if (!loaded) throw new Refusal(`no preset with id "${args.presetId}"`);
        const resolved = await this.audio.resolve(loaded.preset);
        const stamp = new Date(at).toISOString().replace(/[:.]/g, '-').replace('Z', '');
        const plan: SessionPlan = {
          sessionId: `${stamp}-${randomBytes(3).toString('hex')}`,
          preset: loaded.preset,
          clientAlias: args.clientAlias,
          intention: args.intention,
          tracks: resolved.tracks,
          phaseTracks: resolved.phaseTracks,
          fallbackTracks: resolved.fallbackTracks,
          safeScene: this.opts.settings.get('safeScene'),
        };
        await this.audio.preparePlan(plan, resolved.replayGain);
        this.journal?.close();
        this.journal = Journal.create(this.sessionsDir, plan.sessionId, this.opts.vault ?? null);
        this.notices = [];
        this.append({ type: 'SessionStarted', at: this.clock(), plan });
        const missing = Object.values(resolved.tracks).filter((t) => t.problem);
        if (missing.length > 0) {
          this.notice(
            `${missing.length} track${missing.length > 1 ? 's' : ''} will be skipped: ${missing
              .slice(0, 3)
              .map((t) => `${t.title} (${t.problem})`)
              .join(', ')}${missing.length > 3 ? '…' : ''}`,
          );
        }
        break;
      }
      case 'recordDose': {
        const s = this.requireRunning();
        const args = rawArgs as ParsedArgs<'recordDose'>;
        if (s.doseAt !== null) throw new Refusal('the dose is already recorded; use Record repeat dose for another');
        if (args.details) {
          const givenAt = checkedTime(s, at, args.details.givenAt, 'the dose time');
          this.append({ type: 'DoseGiven', at, note: args.note, details: { ...args.details, givenAt } });
        } else {
          this.append({ type: 'DoseGiven', at, note: args.note });
        }
        break;
      }
      case 'advancePhase': {
        const s = this.requireRunning();
        if (phaseIndexAt(s, at) >= s.phases.length - 1) throw new Refusal('this is the last phase; use End session to finish');
        this.append({ type: 'PhaseAdvanced', at });
        break;
      }
      case 'extendPhase': {
        this.requireRunning();
        this.append({ type: 'PhaseExtended', at, minutes: (rawArgs as ParsedArgs<'extendPhase'>).minutes });
        break;
      }
      case 'holdPhase': {
        const s = this.requireRunning();
        if (s.phases[phaseIndexAt(s, at)]?.heldSince !== null) throw new Refusal('the phase is already on hold');
        this.append({ type: 'PhaseHeld', at });
        break;
      }
      case 'resumePhase': {
        const s = this.requireRunning();
        if (s.phases[phaseIndexAt(s, at)]?.heldSince === null) throw new Refusal('the phase is not on hold');
        this.append({ type: 'PhaseResumed', at });
        break;
      }
      case 'setSafeState': {
        const s = this.requireRunning();
        const on = (rawArgs as ParsedArgs<'setSafeState'>).on;
        if (s.safe.on !== on) this.append({ type: on ? 'SafeStateOn' : 'SafeStateOff', at });
        break;
      }
      case 'skipTrack': {
        this.requireRunning();
        if (!this.timeline || segmentsAt(this.timeline, at).length === 0) throw new Refusal('no music is playing');
        this.append({ type: 'TrackSkipped', at });
        break;
      }
      case 'reportTrackFailed': {
        const s = this.requireRunning();
        const args = rawArgs as ParsedArgs<'reportTrackFailed'>;
        const track = s.plan.tracks[args.trackId];
        if (!track) throw new Refusal(`no track "${args.trackId}" in this session`);
        if (s.failures.some((f) => f.trackId === args.trackId)) break;
        this.append({ type: 'TrackFailed', at, trackId: args.trackId, reason: args.reason });
        this.notice(`Skipped “${track.title}”: ${args.reason}`);
        this.log(`track failed: ${args.trackId}: ${args.reason}`);
        break;
      }
      case 'setMute':
      case 'setOutputDevice':
      case 'checkPreset':
        await this.audio.execute(
          name,
          rawArgs as ParsedArgs<typeof name>,
          (id) => this.catalog.presets.find((p) => p.preset.id === id)?.preset ?? null,
        );
        break;
      case 'endSession': {
        this.requireRunning();
        this.append({ type: 'SessionEnded', at });
        // The journal stays open for the record that follows the music (discharge, late vitals);
        // it closes when the next session starts or the host closes.
        break;
      }
      case 'addNote': {
        const s = this.requireRunning();
        const args = rawArgs as ParsedArgs<'addNote'>;
        this.append({
          type: 'NoteAdded',
          at,
          id: `n${s.lastSeq + 1}`,
          text: args.text,
          ...(args.tags.length > 0 ? { tags: args.tags } : {}),
          ...(args.private ? { private: true } : {}),
        });
        break;
      }
    }
    this.refresh();
    return undefined;
  }

  private notice(text: string): void {
    this.notices = [...this.notices.slice(-4), text];
  }

  /** Rebuilds the timeline and tells the lighting director and every listener. */
  private refresh(): void {
    // A module may report a change while the host is still opening; open() refreshes at its end.
    if (!this.audio || !this.lights) return;
    const now = this.clock();
    this.audio.follow(this.state);
    this.timeline = this.state ? buildTimeline(this.state, now, undefined, this.audio.cues()) : null;
    const safe = this.state?.plan.safeScene ?? this.opts.settings.get('safeScene');
    this.director.setKeyframes(this.timeline?.light ?? null, safe);
    this.lastPublish = now;
    this.director.tick(now);
    this.emit({ kind: 'state', snapshot: this.snapshot() });
  }

  private tick(): void {
    const now = this.clock();
    if (this.state?.status === 'running' && now - this.lastPublish >= REPUBLISH_MS) this.refresh();
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
      audio: this.audio.snapshot(),
      lights: this.lights?.snapshot(),
      library: this.library?.snapshot(),
      sharing: this.sharing?.snapshot(),
    };
  }

  /** Listens to state and lamp messages; returns an unsubscribe function. */
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
