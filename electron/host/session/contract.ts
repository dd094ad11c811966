/**
 * The session's own commands: start, dose, the phase controls, safe state, skips and failures,
 * notes, end. Each one becomes a journal event, so each one replans (timeline → music and lights).
 */
import { z } from 'zod';
import { DoseDetailsArgs, noteText, tags } from '../clinical/contract';
import { command } from '../command';

const none = z.object({}).strict();

export const sessionCommands = {
  /** Starts a session from a preset. */
  startSession: command(
    z
      .object({
        presetId: z.string().min(1).max(64),
        clientAlias: z.string().trim().max(80).default(''),
        intention: z.string().trim().max(2000).default(''),
      })
      .strict(),
    { replans: true },
  ),
  /** Records the dose: the anchor of clinical timing; a phase waiting for it advances. */
  recordDose: command(z.object({ note: z.string().max(500).default(''), details: DoseDetailsArgs.optional() }).strict(), { replans: true }),
  /**
   * Details of a recorded dose written down afterwards (medicine, amount, unit, route, lot): fills
   * only what is still empty. Not a correction; changing what is written is `correctDose`.
   */
  completeDose: command(z.object({ doseId: z.string().min(1).max(40), details: DoseDetailsArgs.omit({ givenAt: true }) }).strict(), {
    replans: true,
  }),
  advancePhase: command(none, { replans: true }),
  /** Extends (positive) or shortens (negative) the current phase by whole minutes. */
  extendPhase: command(
    z
      .object({
        minutes: z
          .number()
          .int()
          .min(-240)
          .max(240)
          .refine((m) => m !== 0, 'must not be 0'),
      })
      .strict(),
    { replans: true },
  ),
  holdPhase: command(none, { replans: true }),
  resumePhase: command(none, { replans: true }),
  /**
   * Safe state on or off. `pressedAt`: when it was pressed, for a press the page kept while the
   * host did not answer (it applied the music part itself); checked like other entered times.
   */
  setSafeState: command(z.object({ on: z.boolean(), pressedAt: z.number().int().positive().optional() }).strict(), { replans: true }),
  skipTrack: command(none, { replans: true }),
  /** The audio player reports a track it could not play; music moves on. */
  reportTrackFailed: command(z.object({ trackId: z.string().min(1).max(80), reason: z.string().min(1).max(500) }).strict(), {
    replans: true,
  }),
  endSession: command(none, { replans: true }),
  /** A note; `tags` from the quick-tag buttons; private notes never reach the client's report. */
  addNote: command(z.object({ text: noteText, tags: tags.default([]), private: z.boolean().default(false) }).strict(), { replans: true }),
};
