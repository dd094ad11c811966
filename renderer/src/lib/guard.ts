/**
 * The theatre GO button's rule: a second press of the same control within the guard time is
 * ignored (and the panel says so), so a nervous double press or a bounce never acts twice.
 * Pure, with the clock passed in, so it is tested without timers.
 */

/** How long after a press the same control ignores another. */
export const GUARD_MS = 1500;

export class PressGuard {
  private readonly last = new Map<string, number>();

  constructor(private readonly windowMs = GUARD_MS) {}

  /**
   * Records a press of `control` at `now`. True when it should act; false when it comes too
   * soon after the last press that acted (an ignored press does not extend the window).
   */
  press(control: string, now: number): boolean {
    const prev = this.last.get(control);
    if (prev !== undefined && now - prev < this.windowMs && now >= prev) return false;
    this.last.set(control, now);
    return true;
  }

  /** Forgets a control's last press (e.g. when a different state makes the next press a new decision). */
  reset(control?: string): void {
    if (control === undefined) this.last.clear();
    else this.last.delete(control);
  }
}
