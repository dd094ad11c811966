/**
 * The session's commands (see `session/contract.ts`): each is checked against the session as it
 * is now, then becomes one journal event, appended before it takes effect. A refusal says what
 * to do instead and changes nothing. The host owns the state and the journal; this module only
 * decides.
 */
import { randomBytes } from 'node:crypto';
import { completion } from '../../core/dose';
import type { Preset } from '../../core/preset';
import { type NewSessionEvent, phaseIndexAt, type SessionPlan, type SessionState } from '../../core/session';
import { segmentsAt, type Timeline } from '../../core/timeline';
import type { ResolvedPlaylists } from '../../services/tracks';
import { checkedTime } from '../clinical';
import type { Handlers } from '../command';
import { Refusal } from '../refusal';
import type { sessionCommands } from './contract';

export interface SessionContext {
  now(): number;
  state(): SessionState | null;
  timeline(): Timeline | null;
  preset(id: string): Preset | null;
  /** Finds each track's file (library, assets). */
  resolve(preset: Preset): Promise<ResolvedPlaylists>;
  /** Puts what is already known of each track (gain, cue points) into the plan. */
  preparePlan(plan: SessionPlan, replayGain: ResolvedPlaylists['replayGain']): Promise<void>;
  safeScene(): SessionPlan['safeScene'];
  /**
   * Opens a new journal whose first entry is `SessionStarted`, and only once that is written
   * makes it the session's (closing the previous one, clearing the notices). A refused first
   * write (a full disk) leaves the previous session and its journal as they were.
   */
  beginJournal(plan: SessionPlan, at: number): void;
  append(ev: NewSessionEvent): void;
  notice(text: string): void;
  log(line: string): void;
}

/** The running session, or a refusal. */
function running(ctx: SessionContext): SessionState {
  const s = ctx.state();
  if (s?.status !== 'running') throw new Refusal('no session is running');
  return s;
}

function sessionId(at: number): string {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-').replace('Z', '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function sessionHandlers(ctx: SessionContext): Handlers<typeof sessionCommands> {
  return {
    startSession: async (a) => {
      if (ctx.state()?.status === 'running') throw new Refusal('a session is already running; end it before starting another');
      const preset = ctx.preset(a.presetId);
      if (!preset) throw new Refusal(`no preset with id "${a.presetId}"`);
      const resolved = await ctx.resolve(preset);
      const plan: SessionPlan = {
        sessionId: sessionId(ctx.now()),
        preset,
        clientAlias: a.clientAlias,
        intention: a.intention,
        tracks: resolved.tracks,
        phaseTracks: resolved.phaseTracks,
        fallbackTracks: resolved.fallbackTracks,
        safeScene: ctx.safeScene(),
      };
      await ctx.preparePlan(plan, resolved.replayGain);
      ctx.beginJournal(plan, ctx.now());
      const missing = Object.values(resolved.tracks).filter((t) => t.problem);
      if (missing.length > 0) {
        const named = missing
          .slice(0, 3)
          .map((t) => `${t.title} (${t.problem})`)
          .join(', ');
        ctx.notice(`${missing.length} track${missing.length > 1 ? 's' : ''} will be skipped: ${named}${missing.length > 3 ? '…' : ''}`);
      }
      return undefined;
    },
    recordDose: (a) => {
      const s = running(ctx);
      const at = ctx.now();
      if (s.doseAt !== null) throw new Refusal('the dose is already recorded; use Record repeat dose for another');
      if (a.details) {
        const givenAt = checkedTime(s, at, a.details.givenAt, 'the dose time');
        ctx.append({ type: 'DoseGiven', at, note: a.note, details: { ...a.details, givenAt } });
      } else {
        ctx.append({ type: 'DoseGiven', at, note: a.note });
      }
      return undefined;
    },
    completeDose: (a) => {
      const s = ctx.state();
      if (!s) throw new Refusal('no session is open');
      const dose = s.record.doses.find((d) => d.id === a.doseId);
      if (!dose) throw new Refusal(`there is no dose "${a.doseId}"`);
      const { adds, conflicts } = completion(dose.details, a.details);
      if (conflicts.length > 0) {
        throw new Refusal(
          `${conflicts.join(', ')} ${conflicts.length > 1 ? 'are' : 'is'} already written down; use Correct (with a reason) to change it`,
        );
      }
      if (Object.keys(adds).length === 0) throw new Refusal('nothing to add: fill in a field that is still empty');
      ctx.append({ type: 'DoseCompleted', at: ctx.now(), doseId: dose.id, details: adds });
      return undefined;
    },
    advancePhase: () => {
      const s = running(ctx);
      const at = ctx.now();
      if (phaseIndexAt(s, at) >= s.phases.length - 1) throw new Refusal('this is the last phase; use End session to finish');
      ctx.append({ type: 'PhaseAdvanced', at });
      return undefined;
    },
    extendPhase: (a) => {
      running(ctx);
      ctx.append({ type: 'PhaseExtended', at: ctx.now(), minutes: a.minutes });
      return undefined;
    },
    holdPhase: () => {
      const s = running(ctx);
      const at = ctx.now();
      if (s.phases[phaseIndexAt(s, at)]?.heldSince !== null) throw new Refusal('the phase is already on hold');
      ctx.append({ type: 'PhaseHeld', at });
      return undefined;
    },
    resumePhase: () => {
      const s = running(ctx);
      const at = ctx.now();
      if (s.phases[phaseIndexAt(s, at)]?.heldSince === null) throw new Refusal('the phase is not on hold');
      ctx.append({ type: 'PhaseResumed', at });
      return undefined;
    },
    setSafeState: (a) => {
      const s = running(ctx);
      const at = ctx.now();
      if (s.safe.on === a.on) return undefined;
      if (!a.on) {
        ctx.append({ type: 'SafeStateOff', at });
        return undefined;
      }
      // A press the page held while the host was away keeps the time it was pressed (the room goes safe now).
      const pressedAt = a.pressedAt === undefined ? undefined : checkedTime(s, at, a.pressedAt, 'the safe state press');
      ctx.append(pressedAt === undefined || pressedAt === at ? { type: 'SafeStateOn', at } : { type: 'SafeStateOn', at, pressedAt });
      return undefined;
    },
    skipTrack: () => {
      running(ctx);
      const at = ctx.now();
      const timeline = ctx.timeline();
      if (!timeline || segmentsAt(timeline, at).length === 0) throw new Refusal('no music is playing');
      ctx.append({ type: 'TrackSkipped', at });
      return undefined;
    },
    reportTrackFailed: (a) => {
      const s = running(ctx);
      const track = s.plan.tracks[a.trackId];
      if (!track) throw new Refusal(`no track "${a.trackId}" in this session`);
      if (s.failures.some((f) => f.trackId === a.trackId)) return undefined;
      ctx.append({ type: 'TrackFailed', at: ctx.now(), trackId: a.trackId, reason: a.reason });
      ctx.notice(`Skipped “${track.title}”: ${a.reason}`);
      ctx.log(`track failed: ${a.trackId}: ${a.reason}`);
      return undefined;
    },
    endSession: () => {
      running(ctx);
      // The journal stays open for the record that follows the music (discharge, late vitals);
      // it closes when the next session starts or the host closes.
      ctx.append({ type: 'SessionEnded', at: ctx.now() });
      return undefined;
    },
    addNote: (a) => {
      const s = running(ctx);
      ctx.append({
        type: 'NoteAdded',
        at: ctx.now(),
        id: `n${s.lastSeq + 1}`,
        text: a.text,
        ...(a.tags.length > 0 ? { tags: a.tags } : {}),
        ...(a.private ? { private: true } : {}),
      });
      return undefined;
    },
  };
}
