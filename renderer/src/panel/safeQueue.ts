/**
 * Safe state that works with or without the host (issue 12.3). A press is kept here until the
 * host has it: sent at once when the link is open, sent again when the link comes back, or
 * every few seconds while a call hangs (the Electron main process can stop answering IPC
 * without the link ever "closing"). The host's `setSafeState` is idempotent, so a press sent
 * twice is still one event; it carries the time it was pressed, which the journal keeps.
 *
 * Pure: the clock, the timers, the link and the sending are passed in, so it is tested with a
 * fake clock. It never throws into the panel; a refusal from the host is reported once.
 */
import type { CommandResult } from '@host/contract';

/** A call unanswered this long means the host is not answering (the press stays queued). */
export const ANSWER_MS = 1500;
/** While the host does not answer, try again this often. */
export const RETRY_MS = 2000;

export interface SafeQueueOptions {
  send(args: { on: true; pressedAt: number }): Promise<CommandResult>;
  /** The link to the host is up (the WebSocket is open; Electron's IPC always says so). */
  linkOpen(): boolean;
  /** Monotonic milliseconds, for the waits. */
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
  /** The host has it (the press time it was delivered with). */
  onDelivered(pressedAt: number): void;
  /** The host refused it, with its reason (e.g. no session is running). */
  onRefused(error: string): void;
}

export class SafeQueue {
  private pressedAt: number | null = null;
  private inFlightSince: number | null = null;
  private timer: unknown = null;
  private disposed = false;

  constructor(private readonly opts: SafeQueueOptions) {}

  /** The press waiting for the host, if any (its host time). */
  get pending(): number | null {
    return this.pressedAt;
  }

  /**
   * Whether a command sent now would reach the host: the link is up, nothing is waiting to be
   * delivered, and no call has hung for longer than `ANSWER_MS`.
   */
  answering(): boolean {
    if (!this.opts.linkOpen() || this.pressedAt !== null) return false;
    return this.inFlightSince === null || this.opts.now() - this.inFlightSince < ANSWER_MS;
  }

  /** Safe state pressed at `pressedAt` (host time). An earlier press still waiting keeps its time. */
  press(pressedAt: number): void {
    if (this.pressedAt === null || pressedAt < this.pressedAt) this.pressedAt = pressedAt;
    this.attempt();
  }

  /** The link came back: deliver now. */
  linkUp(): void {
    this.attempt();
  }

  dispose(): void {
    this.disposed = true;
    this.stopTimer();
  }

  private stopTimer(): void {
    if (this.timer !== null) this.opts.clearTimer(this.timer);
    this.timer = null;
  }

  private retryLater(): void {
    if (this.timer !== null || this.disposed) return;
    this.timer = this.opts.setTimer(() => {
      this.timer = null;
      this.attempt();
    }, RETRY_MS);
  }

  private attempt(): void {
    const pressedAt = this.pressedAt;
    if (pressedAt === null || this.disposed) return;
    // A call still on its way: wait for it, unless it has hung (then send again; the host takes it once).
    if (this.inFlightSince !== null && this.opts.now() - this.inFlightSince < RETRY_MS) {
      this.retryLater();
      return;
    }
    if (!this.opts.linkOpen()) {
      this.retryLater();
      return;
    }
    const since = this.opts.now();
    this.inFlightSince = since;
    this.retryLater();
    let sent: Promise<CommandResult>;
    try {
      sent = this.opts.send({ on: true, pressedAt });
    } catch (err) {
      sent = Promise.resolve({ ok: false, error: err instanceof Error ? err.message : String(err) });
    }
    void sent
      .catch((err: unknown): CommandResult => ({ ok: false, error: err instanceof Error ? err.message : String(err) }))
      .then((r) => this.answered(since, pressedAt, r));
  }

  private answered(since: number, pressedAt: number, r: CommandResult): void {
    if (this.inFlightSince === since) this.inFlightSince = null;
    if (this.disposed || this.pressedAt === null) return;
    if (r.ok) {
      this.pressedAt = null;
      this.stopTimer();
      this.opts.onDelivered(pressedAt);
      return;
    }
    // Lost on the way (the link dropped, or the answer timed out): keep it for the next try.
    // A quick refusal with the link up is the host's answer.
    if (!this.opts.linkOpen() || this.opts.now() - since >= ANSWER_MS) {
      this.retryLater();
      return;
    }
    this.pressedAt = null;
    this.stopTimer();
    this.opts.onRefused(r.error);
  }
}
