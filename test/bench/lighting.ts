/**
 * Lighting figures (names carry units): keyframe → device command latency on loopback per
 * driver, the largest perceptual step a 20-minute dim shows on each protocol (fake clock,
 * device resolution included), commands per second with 20 lights on one fake Hue bridge,
 * and how long a device that returns takes to be back on the timeline; for self-healing links
 * (issue 14): reconnect time after a return per driver, safe state reaching a bridge that
 * returns, reads per idle light per hour, and group-table writes while a room is set up. The
 * link figures run the code's timers on a fake clock against loopback peers (so they are the
 * code's own delays, not the machine's), which is why they are in simulated milliseconds.
 * Run alone: `npx tsx test/bench/lighting.ts`. (Longer than a few hundred lines: one bench
 * per area is the convention of test/bench/.)
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { LightKeyframe } from '../../electron/core/timeline';
import { LightingDirector } from '../../electron/services/lighting/director';
import type { DriverResult, LightCapabilities, LightDriver, LightTarget, Result } from '../../electron/services/lighting/driver';
import { courseOf, TRANSITION_CAPS_MS } from '../../electron/services/lighting/fade';
import { HaLight, HomeAssistant } from '../../electron/services/lighting/homeassistant';
import { HueBridge, type HueLight } from '../../electron/services/lighting/hue';
import { type LevelScale, levelToUnits, SCALES, unitsToLevel } from '../../electron/services/lighting/levels';
import { LifxNetwork } from '../../electron/services/lighting/lifx';
import { DeviceLink } from '../../electron/services/lighting/link';
import { hueGroupHost, RoomGroupSync } from '../../electron/services/lighting/room-group';
import { Scheduler } from '../../electron/services/lighting/scheduler';
import { WizNetwork } from '../../electron/services/lighting/wiz';
import { Z2mBridge } from '../../electron/services/lighting/z2m';
import { makeBridgeCerts } from '../fixtures/peers/certs';
import { advanceUntil, FakeClock } from '../fixtures/peers/clock';
import { FakeHomeAssistant } from '../fixtures/peers/home-assistant';
import { FakeHueBridge } from '../fixtures/peers/hue-bridge';
import { FakeLifxNetwork } from '../fixtures/peers/lifx-bulbs';
import { rigs } from '../fixtures/peers/rigs';
import { SimBridge } from '../fixtures/peers/sim-bridge';
import { SimLight } from '../fixtures/peers/sim-light';
import { FakeWizBulb } from '../fixtures/peers/wiz-bulb';
import { MqttBroker, simDevice, Z2mSimulator } from '../fixtures/peers/z2m';
import { benchLightingHost } from './lighting-host';

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const unwrap = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const kf = (at: number, level: number, durationMs: number, cause: LightKeyframe['cause'] = 'phase'): LightKeyframe => ({
  at,
  level,
  kelvin: 2700,
  durationMs,
  cause,
});

/** Keyframe → first command at the peer, real timers on loopback. `count` reads the peer's command counter. */
async function latency(driver: LightDriver, count: () => number, samples = 25): Promise<{ p50: number; p99: number }> {
  const base = { level: 50, kelvin: 2700 };
  const d = new LightingDirector([driver], base, 1000);
  const frames: LightKeyframe[] = [kf(Date.now(), 50, 0)];
  d.setKeyframes(frames, base);
  for (let i = 0; i < 40 && d.status()[0]?.health !== 'online'; i++) {
    d.tick(Date.now());
    await wait(50);
  }
  await wait(400);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const before = count();
    const t0 = performance.now();
    frames.push(kf(Date.now(), i % 2 ? 50 : 45, 0));
    d.setKeyframes([...frames], base);
    d.tick(Date.now());
    while (count() === before && performance.now() - t0 < 2000) await new Promise((r) => setImmediate(r));
    out.push(performance.now() - t0);
    await wait(300); // let stepped fades finish and the per-device gap pass
  }
  d.close();
  return { p50: percentile(out, 50), p99: percentile(out, 99) };
}

async function latencies(): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  const put = (name: string, v: { p50: number; p99: number }) => {
    r[`lighting.latency.${name}.p50 (ms)`] = v.p50;
    r[`lighting.latency.${name}.p99 (ms)`] = v.p99;
  };
  {
    const fake = await new FakeHueBridge({ lights: 1 }).start();
    const bridge = unwrap(
      HueBridge.open({ address: '127.0.0.1', api: 'v1', baseUrl: fake.url, key: fake.key, scheduler: new Scheduler() }),
    );
    const [light] = unwrap(await bridge.lights());
    if (light) put('hueV1', await latency(light, () => fake.commands.length));
    bridge.close();
    await fake.close();
  }
  const certs = makeBridgeCerts('001788fffe7a1b2c');
  if (certs) {
    const fake = await new FakeHueBridge({ lights: 1, bridgeId: '001788fffe7a1b2c', tls: certs }).start();
    const bridge = unwrap(
      HueBridge.open({
        address: '127.0.0.1',
        api: 'v2',
        baseUrl: fake.url,
        key: fake.key,
        bridgeId: '001788fffe7a1b2c',
        ca: certs.ca,
        scheduler: new Scheduler(),
      }),
    );
    const [light] = unwrap(await bridge.lights());
    if (light) put('hueV2', await latency(light, () => fake.commands.length));
    bridge.close();
    await fake.close();
  }
  {
    const fake = await new FakeLifxNetwork(['d073d5000001']).start();
    const bulb = fake.bulbs.get('d073d5000001');
    if (bulb) bulb.power = 65535;
    const net = unwrap(await LifxNetwork.open({ bindAddress: '127.0.0.1', scheduler: new Scheduler() }));
    const light = unwrap(net.light({ mac: 'd073d5000001', address: '127.0.0.1', port: fake.port }));
    put('lifx', await latency(light, () => fake.commands.length));
    net.close();
    fake.close();
  }
  {
    const bulb = await new FakeWizBulb('a8bb50e1c2d3').start();
    bulb.dimming = 18;
    const net = unwrap(await WizNetwork.open({ bindAddress: '127.0.0.1', scheduler: new Scheduler() }));
    const light = unwrap(net.light({ mac: bulb.mac, address: '127.0.0.1', port: bulb.port }));
    put('wiz', await latency(light, () => bulb.commands.length));
    net.close();
    bulb.close();
  }
  {
    const broker = await new MqttBroker().start();
    const sim = await new Z2mSimulator(broker.url, [simDevice(1)]).start();
    const bridge = unwrap(await Z2mBridge.connect({ url: broker.url, scheduler: new Scheduler() }));
    const [light] = unwrap(await bridge.lights());
    if (light) put('z2m', await latency(light, () => sim.sets.length));
    await bridge.close();
    await sim.close();
    await broker.close();
  }
  {
    const fake = await new FakeHomeAssistant({ lights: 1 }).start();
    const ha = unwrap(await HomeAssistant.open({ baseUrl: fake.url, token: fake.token, scheduler: new Scheduler() }));
    const [light] = unwrap(await ha.lights()).lights;
    if (light instanceof HaLight) put('homeassistant', await latency(light, () => fake.calls.length));
    ha.close();
    await fake.close();
  }
  return r;
}

/** A device that glides linearly in its own units and shows whole units only. */
class QuantLight implements LightDriver {
  readonly protocol = 'bench';
  private glide = { t0: 0, from: 0, t1: 0, to: 0 };
  commands = 0;
  constructor(
    readonly id: string,
    readonly capabilities: LightCapabilities,
    private readonly scale: LevelScale,
    private readonly clock: FakeClock,
    start: number,
  ) {
    const u = levelToUnits(start, scale).value;
    this.glide = { t0: 0, from: u, t1: 0, to: u };
  }
  get name() {
    return this.id;
  }
  private units(t: number): number {
    const g = this.glide;
    return t >= g.t1 || g.t1 <= g.t0 ? g.to : g.from + ((g.to - g.from) * (t - g.t0)) / (g.t1 - g.t0);
  }
  /** What someone in the room sees at `t` (rounded to the protocol's units). */
  shown(t: number): number {
    const u = Math.round(this.units(t) / this.scale.resolution) * this.scale.resolution;
    return unitsToLevel(u, this.scale);
  }
  async apply(target: LightTarget, transitionMs: number): Promise<DriverResult> {
    this.commands++;
    const now = this.clock.now();
    const to = levelToUnits(target.level, this.scale).value;
    this.glide = { t0: now, from: this.units(now), t1: now + (this.capabilities.nativeTransition ? transitionMs : 0), to };
    return { ok: true };
  }
  async read(): Promise<LightTarget> {
    return { level: this.shown(this.clock.now()), kelvin: 2700 };
  }
}

async function fadeSteps(): Promise<Record<string, number>> {
  const native = (maxTransitionMs: number, minIntervalMs: number): LightCapabilities => ({
    nativeTransition: true,
    maxTransitionMs,
    minIntervalMs,
    color: false,
    kelvinRange: [2000, 6500],
  });
  const protocols: Array<[string, LevelScale, LightCapabilities]> = [
    ['hueV1', SCALES.hueV1, native(TRANSITION_CAPS_MS.hueV1, 110)],
    ['hueV2', SCALES.hueV2, native(TRANSITION_CAPS_MS.zigbee, 110)],
    ['lifx', SCALES.lifx, native(TRANSITION_CAPS_MS.lifx, 50)],
    ['wiz', SCALES.wiz, { ...native(0, 50), nativeTransition: false }],
    ['z2m', SCALES.z2m, native(TRANSITION_CAPS_MS.zigbee, 100)],
    ['homeassistant', SCALES.homeassistant, native(TRANSITION_CAPS_MS.homeassistant, 100)],
  ];
  const r: Record<string, number> = {};
  for (const [name, scale, caps] of protocols) {
    const clock = new FakeClock(0);
    const light = new QuantLight(name, caps, scale, clock, 70);
    const base = { level: 70, kelvin: 2700 };
    const frames = [kf(0, 70, 0), kf(5000, 10, 20 * 60_000)];
    const d = new LightingDirector([light], base, 1000, { timers: clock });
    d.setKeyframes(frames, base);
    let prev = light.shown(0);
    let worst = 0;
    let off = 0;
    const course = courseOf(frames, base);
    for (let t = 0; t < 21 * 60_000; t += 1000) {
      d.tick(clock.now());
      for (let s = 0; s < 20; s++) {
        await clock.advance(50);
        const now = light.shown(clock.now());
        worst = Math.max(worst, Math.abs(now - prev));
        if (clock.now() > 10_000) off = Math.max(off, Math.abs(now - course.at(clock.now()).level));
        prev = now;
      }
    }
    d.close();
    r[`lighting.fade20min.maxStep.${name} (L*)`] = worst;
    r[`lighting.fade20min.maxOffCurve.${name} (L*)`] = off;
    r[`lighting.fade20min.commands.${name} (count)`] = light.commands;
  }
  return r;
}

async function hueTwentyLights(useGroup: boolean): Promise<Record<string, number>> {
  const fake = await new FakeHueBridge({ lights: 20 }).start();
  fake.peer.delayMs = 15;
  const bridge = unwrap(HueBridge.open({ address: '127.0.0.1', api: 'v1', baseUrl: fake.url, key: fake.key, scheduler: new Scheduler() }));
  const lights = unwrap(await bridge.lights()) as HueLight[];
  for (const l of fake.lights) l.bri = 145; // about L* 80, where the room starts
  const base = { level: 80, kelvin: 2700 };
  const d = new LightingDirector(lights, base, 1000);
  // Safe state goes out as one group command when a bridge group holds exactly the room's lights.
  const ids = new Set(lights.map((l) => l.id));
  const groups = unwrap(await bridge.groupsWithMembers());
  const room = groups.find((g) => g.members.length === ids.size && g.members.every((m) => ids.has(m)));
  if (room && useGroup) d.setGroups([{ driver: room.group, members: room.members }]);
  const t0 = Date.now();
  const frames = [kf(t0, 80, 0)];
  d.setKeyframes(frames, base);
  const tickUntil = async (ms: number) => {
    while (Date.now() - t0 < ms) {
      d.tick(Date.now());
      await wait(100);
    }
  };
  await tickUntil(4000); // first contact: 20 reads and 20 gentle resyncs
  const fadeFrom = fake.commands.length;
  const fadeAt = Date.now();
  frames.push(kf(fadeAt, 20, 20_000));
  d.setKeyframes([...frames], base);
  await tickUntil(14_000);
  const fadeCmds = fake.commands.slice(fadeFrom);
  const safeAt = Date.now();
  const safeFrom = fake.commands.length;
  d.setSafe(true, safeAt, { level: 60, kelvin: 2700 });
  await tickUntil(20_000);
  const safeCmds = fake.commands.slice(safeFrom);
  const reached = new Set<string>();
  let allAt = Number.NaN;
  for (const c of safeCmds) {
    if (c.kind === 'group') for (const l of fake.lights) reached.add(l.id);
    else reached.add(c.id);
    if (reached.size === 20) {
      allAt = c.at + Number(c.body.transitiontime ?? 0) * 100 - safeAt;
      break;
    }
  }
  d.close();
  bridge.close();
  await fake.close();
  const k = useGroup ? 'hue20' : 'hue20.noGroup';
  return {
    [`lighting.${k}.maxLightCommandsPerSecond (cmd/s)`]: fake.maxLightCommandsPerSecond(),
    [`lighting.${k}.fadeCommandsPerSecond (cmd/s)`]: fadeCmds.length / ((safeAt - fadeAt) / 1000),
    [`lighting.${k}.maxInFlight (requests)`]: fake.peer.maxActive,
    [`lighting.${k}.rejected429 (count)`]: fake.rejected429,
    [`lighting.${k}.safeStateAllLightsThere (ms)`]: allAt,
    [`lighting.${k}.safeStateCommands (count)`]: safeCmds.filter((c) => c.at - safeAt < 3000).length,
    [`lighting.${k}.safeStateByGroup (0/1)`]: safeCmds.some((c) => c.kind === 'group') ? 1 : 0,
  };
}

async function resync(): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  const firstCmd: number[] = [];
  const onTarget: number[] = [];
  for (const outageS of [45, 120, 600, 1200]) {
    const clock = new FakeClock(0);
    const light = new SimLight('lamp', clock, {}, 'lamp', 20, 70);
    let down = false;
    light.offline = () => down;
    const base = { level: 70, kelvin: 2700 };
    const frames = [kf(0, 70, 0), kf(30_000, 15, 30 * 60_000)];
    const course = courseOf(frames, base);
    const d = new LightingDirector([light], base, 1000, { timers: clock });
    d.setKeyframes(frames, base);
    const step = async () => {
      d.tick(clock.now());
      await clock.advance(1000);
    };
    while (clock.now() < 60_000) await step();
    down = true;
    while (clock.now() < 60_000 + outageS * 1000) await step();
    if (d.status()[0]?.health !== 'offline') continue; // the outage fell between commands and polls: nothing was missed
    down = false;
    const back = clock.now();
    const n = light.commands.length;
    while (light.commands.length === n && clock.now() < back + 120_000) await step();
    firstCmd.push((clock.now() - back) / 1000);
    while (Math.abs(light.levelAt(clock.now()) - course.at(clock.now()).level) > 1 && clock.now() < back + 300_000) await step();
    onTarget.push((clock.now() - back) / 1000);
    d.close();
  }
  r['lighting.resync.outagesNoticed (count of 4)'] = firstCmd.length;
  r['lighting.resync.returnToResyncCommand.max (s)'] = Math.max(...firstCmd);
  r['lighting.resync.returnToOnTimeline.max (s)'] = Math.max(...onTarget);
  r['lighting.resync.returnToOnTimeline.mean (s)'] = onTarget.reduce((a, b) => a + b, 0) / onTarget.length;
  // Zigbee2MQTT announces a return: the director tries at once.
  const broker = await new MqttBroker().start();
  const sim = await new Z2mSimulator(broker.url, [simDevice(1)]).start();
  const bridge = unwrap(await Z2mBridge.connect({ url: broker.url, scheduler: new Scheduler(), confirmTimeoutMs: 300 }));
  const [light] = unwrap(await bridge.lights());
  const dev = sim.devices[0];
  if (light && dev) {
    const base = { level: 50, kelvin: 2700 };
    const d = new LightingDirector([light], base, 1000);
    d.setKeyframes([kf(Date.now(), 50, 0)], base);
    for (let i = 0; i < 10; i++) {
      d.tick(Date.now());
      await wait(50);
    }
    dev.mute = true;
    await sim.setOnline(dev.name, false);
    for (let i = 0; i < 10; i++) {
      d.tick(Date.now());
      await wait(50);
    }
    dev.mute = false;
    const n = sim.sets.length;
    const t0 = performance.now();
    await sim.setOnline(dev.name, true);
    while (sim.sets.length === n && performance.now() - t0 < 5000) {
      d.tick(Date.now());
      await wait(5);
    }
    r['lighting.resync.z2mAnnouncedReturnToCommand (ms)'] = performance.now() - t0;
    d.close();
  }
  await bridge.close();
  await sim.close();
  await broker.close();
  return r;
}

/** Return → connected again, per driver, for outages of 2 s to 2 min (fake clock for the link, real loopback peers). */
async function reconnects(): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  for (const [name, make] of Object.entries(rigs)) {
    const clock = new FakeClock(0);
    const rig = await make(clock);
    const took: number[] = [];
    try {
      await advanceUntil(clock, () => rig.link.connected, { maxMs: 5_000 });
      rig.link.setWatching(true); // as during a session: an idle device is asked every 15 s
      for (const lengthS of [2, 7, 15, 31, 60, 120]) {
        await rig.down();
        await advanceUntil(clock, () => !rig.link.connected, { maxMs: 40_000, stepMs: 250, ioMs: 2 }); // WiZ: 15 s + its 13 s give-up
        await advanceUntil(clock, () => false, { maxMs: lengthS * 1000, stepMs: 500, ioMs: 1 }).catch(() => {});
        await rig.up();
        took.push(await advanceUntil(clock, () => rig.link.connected, { maxMs: 30_000, stepMs: 100, ioMs: 3 }));
      }
    } finally {
      await rig.close();
    }
    r[`lighting.reconnect.${name}.p50 (simulated ms)`] = percentile(took, 50);
    r[`lighting.reconnect.${name}.max (simulated ms)`] = Math.max(...took);
  }
  return r;
}

/** Safe state pressed while a 12-light bridge is away: its return → every light at the safe level. */
async function safeReturn(): Promise<Record<string, number>> {
  const out: number[] = [];
  for (const offset of [0, 250, 500, 750]) {
    const clock = new FakeClock(0);
    const bridge = new SimBridge(clock, 12, 15);
    const link = new DeviceLink(bridge.adapter, { timers: clock }).start();
    await clock.advance(10);
    const base = { level: 60, kelvin: 2700 };
    const d = new LightingDirector(link.lights(), base, 1000, { timers: clock });
    d.setGroups(link.groups());
    d.setKeyframes([kf(0, 15, 0)], base);
    const run = async (until: number) => {
      while (clock.now() < until) {
        d.tick(clock.now());
        await clock.advance(Math.min(1000, until - clock.now()));
      }
    };
    await run(30_000);
    bridge.down();
    await run(40_000);
    d.setSafe(true, clock.now(), base);
    await run(60_000 + offset);
    bridge.back();
    const back = clock.now();
    await run(back + 10_000);
    out.push(Math.max(...bridge.lights.map((l) => (l.arrivedAt(60, back) ?? Number.POSITIVE_INFINITY) - back)));
    d.close();
    link.close();
  }
  return {
    'lighting.safeState.returningBridgeToLevel.p50 (simulated ms)': percentile(out, 50),
    'lighting.safeState.returningBridgeToLevel.max (simulated ms)': Math.max(...out),
  };
}

/** Reads per idle light per hour while polling is on (Hue: a GET each; Zigbee2MQTT: radio /get reads). */
async function idleReads(): Promise<Record<string, number>> {
  const r: Record<string, number> = {};
  for (const name of ['hue', 'z2m']) {
    const clock = new FakeClock(0);
    const rig = await rigs[name]?.(clock);
    if (!rig) continue;
    try {
      await advanceUntil(clock, () => rig.link.connected, { maxMs: 5_000 });
      const lights = rig.link.lights();
      const base = { level: 40, kelvin: 2700 };
      const d = new LightingDirector(lights, base, 1000, { timers: clock });
      d.setKeyframes([kf(0, 40, 0)], base);
      d.setPolling(true);
      const tick = () => {
        d.tick(clock.now());
        return false;
      };
      await advanceUntil(clock, tick, { maxMs: 60_000, stepMs: 1000, ioMs: 2 }).catch(() => {});
      const before = rig.reads();
      await advanceUntil(clock, tick, { maxMs: 3_600_000, stepMs: 1000, ioMs: 1 }).catch(() => {});
      r[`lighting.idleReads.${name} (reads/light/hour)`] = (rig.reads() - before) / lights.length;
      d.close();
    } finally {
      await rig.close();
    }
  }
  return r;
}

/** A therapist ticks 15 lights into the room one a second: writes to the bridge's group table. */
async function roomGroupWrites(): Promise<Record<string, number>> {
  const clock = new FakeClock(0);
  const fake = await new FakeHueBridge({ lights: 16, roomLights: ['1', '2', '3'], limits: false }).start();
  const bridge = unwrap(
    HueBridge.open({
      address: '127.0.0.1',
      api: 'v1',
      baseUrl: fake.url,
      key: fake.key,
      bridgeId: fake.bridgeId,
      scheduler: new Scheduler(clock),
      timers: clock,
    }),
  );
  const ids = unwrap(await bridge.lights()).map((l) => l.id);
  const sync = new RoomGroupSync(
    hueGroupHost(() => bridge),
    { timers: clock },
  );
  for (let i = 1; i <= 15; i++) {
    sync.setRoom(ids.slice(0, i));
    await advanceUntil(clock, () => false, { maxMs: 1_000, stepMs: 250 }).catch(() => {});
  }
  await advanceUntil(clock, () => sync.status().state !== 'settling', { maxMs: 10_000, stepMs: 250 });
  sync.close();
  bridge.close();
  await fake.close();
  return { 'lighting.roomGroup.writesFor15LightSetup (count)': fake.groupWrites };
}

export async function benchLighting(): Promise<Record<string, number>> {
  return {
    ...(await latencies()),
    ...(await fadeSteps()),
    ...(await hueTwentyLights(true)),
    ...(await hueTwentyLights(false)),
    ...(await resync()),
    ...(await reconnects()),
    ...(await safeReturn()),
    ...(await idleReads()),
    ...(await roomGroupWrites()),
    ...(await benchLightingHost()),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await benchLighting();
  for (const [k, v] of Object.entries(r)) process.stdout.write(`${k.padEnd(60)} ${Math.round(v * 1000) / 1000}\n`);
  process.exit(0);
}
