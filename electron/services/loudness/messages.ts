/** The messages between the loudness pool (host thread) and an analysis worker thread. */
import type { LoudnessOutcome } from './types';

export type ToWorker = { type: 'analyse'; id: number; file: string } | { type: 'cancel'; id: number };

export type FromWorker = { type: 'progress'; id: number; fraction: number } | { type: 'done'; id: number; outcome: LoudnessOutcome };
