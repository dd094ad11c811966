/**
 * The on-screen virtual lamp: the embedded default light, and a mirror of what the room
 * should look like. Its state is published to the renderer, which draws it as a soft glow.
 */
import type { DriverResult, LightCapabilities, LightDriver, LightTarget } from './driver';

export class VirtualLamp implements LightDriver {
  readonly id = 'virtual';
  readonly name = 'On-screen lamp';
  readonly protocol = 'virtual';
  readonly capabilities: LightCapabilities = {
    nativeTransition: true,
    maxTransitionMs: 2_000,
    minIntervalMs: 250,
    color: false,
    kelvinRange: [1500, 9000],
    mirror: true,
  };
  private state: LightTarget;
  /** A scene shown for a moment over the timeline's (a preview), or null. */
  private shown: LightTarget | null = null;

  constructor(
    initial: LightTarget,
    private readonly onChange: (state: LightTarget, transitionMs: number) => void,
  ) {
    this.state = { ...initial };
  }

  async apply(target: LightTarget, transitionMs: number): Promise<DriverResult> {
    this.state = { level: target.level, kelvin: target.kelvin };
    // During a preview the director's target is kept and shown again when the preview ends.
    if (!this.shown) this.onChange(this.state, transitionMs);
    return { ok: true };
  }

  /**
   * Shows a scene over what the director sends (a scene preview, before a session), or with
   * null goes back to the director's target. The director keeps sending meanwhile; nothing of
   * it is lost.
   */
  show(target: LightTarget | null, transitionMs: number): void {
    this.shown = target ? { level: target.level, kelvin: target.kelvin } : null;
    this.onChange(this.shown ?? this.state, transitionMs);
  }

  async read(): Promise<LightTarget> {
    return { ...(this.shown ?? this.state) };
  }
}
