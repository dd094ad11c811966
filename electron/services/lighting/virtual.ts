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

  constructor(
    initial: LightTarget,
    private readonly onChange: (state: LightTarget, transitionMs: number) => void,
  ) {
    this.state = { ...initial };
  }

  async apply(target: LightTarget, transitionMs: number): Promise<DriverResult> {
    this.state = { level: target.level, kelvin: target.kelvin };
    this.onChange(this.state, transitionMs);
    return { ok: true };
  }

  async read(): Promise<LightTarget> {
    return { ...this.state };
  }
}
