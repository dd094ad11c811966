/**
 * Trying lights out before a session: a slow test pulse on one light (so the therapist can tell
 * which one it is) and a short scene preview on the room. Both are refused while a session runs
 * (they would disturb the room) and while another try-out is under way; the director leaves the
 * lights alone meanwhile and eases them back afterwards. Slow and gentle: never a flash.
 */
import type { LightingDirector } from '../../services/lighting/director';
import { type LightDriver, type LightTarget, sleep, type Timers } from '../../services/lighting/driver';
import { gentleMs } from '../../services/lighting/fade';
import { SteppedFade } from '../../services/lighting/stepper';
import { VirtualLamp } from '../../services/lighting/virtual';
import { Refusal } from '../refusal';
import type { Connections } from './connections';
import { type DeviceStore, sentence } from './store';

/** How high a test pulse goes above (or below, near the top) where the light is, L*. */
const PULSE_LEVEL = 12;
const PULSE_RAMP_MS = 2_500;
const PULSE_HOLD_MS = 800;
const PREVIEW_HOLD_MS = 8_000;
const PREVIEW_MIN_MS = 3_000;

export interface TryOutContext {
  store: DeviceStore;
  connections: Connections;
  director: LightingDirector;
  timers: Timers;
  safeScene: () => LightTarget;
  sessionRunning: () => boolean;
  onChange: () => void;
}

export class TryOut {
  /** A light id, 'room' for a preview, or null. */
  busy: string | null = null;
  /** The last try-out failure per light, shown until the light follows again. */
  readonly errors = new Map<string, string>();

  constructor(private readonly ctx: TryOutContext) {}

  private refuse(what: string): void {
    if (this.ctx.sessionRunning()) throw new Refusal(`A session is running; ${what} would disturb the room. Try again after the session.`);
    if (this.busy) throw new Refusal('A test is under way; wait a few seconds, then try again.');
  }

  private driverOf(lightId: string): LightDriver {
    const { device } = this.ctx.store.findLight(lightId);
    const link = this.ctx.connections.link(device.id);
    const d = link?.light(lightId);
    if (!d || !link?.connected || !d.isListed) throw new Refusal(`“${device.name}” is not connected, so its lights cannot be tested now.`);
    return d;
  }

  /** Moves one light gently (native transition, or stepped below the visible threshold). */
  private async glide(d: LightDriver, from: LightTarget, to: LightTarget, ms: number): Promise<string | null> {
    const r = d.capabilities.nativeTransition ? await d.apply(to, ms) : await new SteppedFade(d, this.ctx.timers).go(from, to, ms);
    return r.ok ? null : r.error;
  }

  pulse(lightId: string): { message: string } {
    this.refuse('a test pulse');
    const { light } = this.ctx.store.findLight(lightId);
    const d = this.driverOf(lightId);
    const { director, timers } = this.ctx;
    this.busy = lightId;
    this.errors.delete(lightId);
    const held = director.hold(lightId);
    this.ctx.onChange();
    void (async () => {
      let error: string | null = null;
      try {
        const now = await d.read().catch(() => null);
        const from: LightTarget = now ?? this.ctx.safeScene();
        const up: LightTarget = {
          level: from.level >= 100 - PULSE_LEVEL ? from.level - PULSE_LEVEL : from.level + PULSE_LEVEL,
          kelvin: from.kelvin,
        };
        error = await this.glide(d, from, up, PULSE_RAMP_MS);
        if (!error) {
          await sleep(timers, PULSE_RAMP_MS + PULSE_HOLD_MS);
          error = await this.glide(d, up, from, PULSE_RAMP_MS);
          await sleep(timers, PULSE_RAMP_MS);
        }
      } finally {
        if (held) director.release(lightId);
        this.busy = null;
        if (error) this.errors.set(lightId, sentence(error));
        this.ctx.onChange();
      }
    })();
    return { message: `Pulsing “${light.name}” slowly for about ${Math.round((3 * PULSE_RAMP_MS + PULSE_HOLD_MS) / 1000)} seconds.` };
  }

  preview(target: LightTarget): { message: string } {
    this.refuse('a scene preview');
    const room: Array<{ id: string; d: LightDriver }> = [];
    for (const dev of this.ctx.store.devices) {
      const link = this.ctx.connections.link(dev.id);
      if (!link?.connected) continue;
      for (const l of dev.lights) {
        const d = link.light(l.id);
        if (l.inRoom && d?.isListed) room.push({ id: l.id, d });
      }
    }
    const { director, timers } = this.ctx;
    // The on-screen lamp shows the preview too: it mirrors what the room should look like.
    const lamp = director.driver('virtual');
    const screen = lamp instanceof VirtualLamp ? lamp : null;
    if (room.length === 0 && !screen) throw new Refusal('No connected light is in the room yet; put one in the room first.');
    this.busy = 'room';
    for (const { id } of room) director.hold(id);
    screen?.show(target, PREVIEW_MIN_MS);
    this.ctx.onChange();
    void (async () => {
      try {
        await Promise.all(
          room.map(async ({ d }) => {
            const from = (await d.read().catch(() => null)) ?? target;
            await this.glide(d, from, target, Math.max(PREVIEW_MIN_MS, gentleMs(from, target)));
          }),
        );
        await sleep(timers, PREVIEW_HOLD_MS);
      } finally {
        for (const { id } of room) director.release(id);
        screen?.show(null, PREVIEW_MIN_MS);
        this.busy = null;
        this.ctx.onChange();
      }
    })();
    const where = room.length ? '' : ' on the on-screen lamp';
    return { message: `Showing ${Math.round(target.level)} % at ${target.kelvin} K${where} for a few seconds, then easing back.` };
  }
}
