/**
 * Keeps the machine awake while a session runs: its timers drive the music's fades and the
 * lights, and a laptop that suspends mid-session means dead air and a dark room.
 *
 * The blocker follows every state snapshot from the first one on (a session resumed after a
 * restart is covered at once, not at the next minute's republish), and the therapist's choice
 * (`powerSaveBlocker` setting): `prevent-app-suspension` by default, so the screen may sleep in
 * a dark room; `prevent-display-sleep` keeps it lit too. A changed choice applies at the next
 * snapshot. Never throws.
 */
import type { PowerSaveChoice } from '../services/settings';

/** The part of a host snapshot this module reads. */
export interface SessionStatus {
  session: { status: string } | null;
}

/** Electron's `powerSaveBlocker`, the part used here. */
export interface PowerSaveApi {
  start(type: PowerSaveChoice): number;
  stop(id: number): unknown;
}

/** Which blocker a snapshot calls for: the chosen one while a session runs, none otherwise. */
export function wantedBlocker(snapshot: SessionStatus, choice: PowerSaveChoice): PowerSaveChoice | null {
  return snapshot.session?.status === 'running' ? choice : null;
}

/** Starts, switches and stops Electron's power-save blocker to match the host's snapshots. */
export class PowerGuard {
  private id: number | null = null;
  private kind: PowerSaveChoice | null = null;

  constructor(
    private readonly api: PowerSaveApi,
    private readonly choice: () => PowerSaveChoice,
  ) {}

  /** What is held now (null: the machine may sleep as usual). */
  get holding(): PowerSaveChoice | null {
    return this.kind;
  }

  update(snapshot: SessionStatus): void {
    const want = wantedBlocker(snapshot, this.choice());
    if (want === this.kind) return;
    this.release();
    if (want) {
      this.id = this.api.start(want);
      this.kind = want;
    }
  }

  release(): void {
    if (this.id !== null) this.api.stop(this.id);
    this.id = null;
    this.kind = null;
  }
}
