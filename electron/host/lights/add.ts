/**
 * Adding a device, per protocol: the address must be on the local network (unless the person
 * insists), something must answer as that kind of device, and it must not be in the list
 * already. Then Hue pairing (the link button) and the Hue power-on setting. Every failure is a
 * refusal a person can act on; secrets never appear in one.
 */
import { checkBaseUrl, checkHost } from '../../services/lighting/address';
import type { Result } from '../../services/lighting/driver';
import { HomeAssistant } from '../../services/lighting/homeassistant';
import { CERT_CHANGED, peekCertificate, redact } from '../../services/lighting/http';
import { HueBridge, HueLight } from '../../services/lighting/hue';
import { LifxNetwork } from '../../services/lighting/lifx';
import { deviceIdOf, type StoredDevice } from '../../services/lighting/room';
import { WIZ_PORT, WizNetwork } from '../../services/lighting/wiz';
import { Z2mBridge } from '../../services/lighting/z2m';
import type { ArgsOut } from '../command';
import { Refusal } from '../refusal';
import type { Connections } from './connections';
import type { lightsCommands } from './contract';
import { bracket, type DeviceStore, PRETTY, sentence } from './store';

export interface AddContext {
  store: DeviceStore;
  connections: Connections;
  log: (line: string) => void;
  timeoutMs: number;
  bindAddress?: string;
}

type Added = { deviceId: string; message: string };

/** How long "Add" and "Pair" wait for the new connection to list its lights. */
const SETTLE_MS = 8_000;

/** Adds a device by address (see `lightsCommands.addLight`). */
export async function addDevice(ctx: AddContext, a: ArgsOut<(typeof lightsCommands)['addLight']>): Promise<Added> {
  if (ctx.store.devices.length >= 100) throw new Refusal('The list already has 100 devices; remove one first.');
  switch (a.protocol) {
    case 'hue-v1':
    case 'hue-v2':
      return addHue(ctx, a.protocol, a.address, a.port, a.name, a.insist);
    case 'lifx':
    case 'wiz':
      return addBulb(ctx, a.protocol, a.address, a.port, a.mac, a.name, a.insist);
    case 'z2m':
      return addZ2m(ctx, a);
    case 'homeassistant':
      return addHa(ctx, a.url, a.token, a.name, a.insist);
  }
}

async function local(address: string, insist: boolean): Promise<string> {
  const r = await checkHost(address, { insist });
  if (!r.ok) throw new Refusal(sentence(r.error));
  return r.value.address;
}

/** A Hue bridge object for one request or two (adding, pairing); closed by the caller. */
function openHue(ctx: AddContext, d: StoredDevice, key?: string): Result<HueBridge> {
  const api = d.protocol === 'hue-v2' ? 'v2' : 'v1';
  const port = d.port ?? (api === 'v2' ? 443 : 80);
  return HueBridge.open({
    address: d.address,
    api,
    key,
    bridgeId: d.bridgeId,
    fingerprint256: d.certSha256,
    baseUrl: `${api === 'v2' ? 'https' : 'http'}://${bracket(d.address)}:${port}`,
    insist: d.insist,
    timeoutMs: ctx.timeoutMs,
  });
}

async function addHue(
  ctx: AddContext,
  protocol: 'hue-v1' | 'hue-v2',
  address: string,
  port: number | undefined,
  name: string | undefined,
  insist: boolean,
): Promise<Added> {
  const ip = await local(address, insist);
  const p = port ?? (protocol === 'hue-v2' ? 443 : 80);
  const id = deviceIdOf(protocol, `${bracket(ip)}:${p}`);
  ctx.store.refuseDuplicate(id);
  let certSha256: string | undefined;
  if (protocol === 'hue-v2') {
    // Trust on first use: the bridge's certificate is signed by Signify's private root, which
    // Stillroom cannot have; its fingerprint is pinned now and checked on every later connection.
    const cert = await peekCertificate(ip, p, ctx.timeoutMs);
    if (!cert.ok) throw new Refusal(`Could not reach a Hue bridge at ${ip}:${p}: ${cert.error}.`);
    certSha256 = cert.value.fingerprint256;
  }
  const draft: StoredDevice = { id, protocol, name: 'Hue bridge', address: ip, port: p, insist, certSha256, lights: [] };
  const bridge = openHue(ctx, draft);
  if (!bridge.ok) throw new Refusal(sentence(bridge.error));
  const config = await bridge.value.config();
  bridge.value.close();
  if (!config.ok) throw new Refusal(`Could not reach a Hue bridge at ${ip}:${p}: ${config.error}.`);
  const bridgeId = config.value.bridgeid.toLowerCase().slice(0, 64);
  // The same bridge twice (by another address, or by the other API) would drive its lights twice.
  const same = ctx.store.devices.find((d) => d.bridgeId === bridgeId && d.protocol.startsWith('hue'));
  if (same)
    throw new Refusal(
      same.protocol === protocol
        ? `This bridge is already in the list as “${same.name}”.`
        : `This bridge is already in the list as “${same.name}” (API ${same.protocol.slice(-2)}); remove it first to switch.`,
    );
  const dev: StoredDevice = { ...draft, bridgeId, name: name ?? (config.value.name.trim().slice(0, 80) || 'Hue bridge') };
  ctx.store.add(dev);
  ctx.connections.open(dev);
  await ctx.connections.whenSettled(id, SETTLE_MS);
  return { deviceId: id, message: `Found “${dev.name}”. Press the link button on the bridge, then Pair.` };
}

async function addBulb(
  ctx: AddContext,
  protocol: 'lifx' | 'wiz',
  address: string,
  port: number | undefined,
  mac: string | undefined,
  name: string | undefined,
  insist: boolean,
): Promise<Added> {
  const ip = await local(address, insist);
  const p = port ?? (protocol === 'lifx' ? 56700 : WIZ_PORT);
  let found = mac ? { mac, name: undefined as string | undefined } : null;
  if (!found) {
    // Ask the bulb itself who it is (a discovery datagram sent to its address only).
    const target = [{ address: ip, port: p }];
    const net =
      protocol === 'lifx'
        ? await LifxNetwork.open({ bindAddress: ctx.bindAddress, broadcast: target, insist })
        : await WizNetwork.open({ bindAddress: ctx.bindAddress, broadcast: target, insist });
    if (!net.ok) throw new Refusal(sentence(net.error));
    const answers = await net.value.discover(1_500);
    net.value.close();
    const first = answers[0];
    if (!first)
      throw new Refusal(`No ${PRETTY[protocol]} answered at ${ip}. Check that it is powered and on this network, then try again.`);
    found = { mac: first.mac, name: first.name };
  }
  const id = deviceIdOf(protocol, found.mac);
  ctx.store.refuseDuplicate(id);
  const label = name ?? found.name ?? `${PRETTY[protocol]} ${found.mac.slice(-6)}`;
  const dev: StoredDevice = {
    id,
    protocol,
    name: label,
    address: ip,
    port: p,
    insist,
    mac: found.mac,
    lights: [{ id: `${protocol}:${found.mac}`, name: label, inRoom: false }],
  };
  ctx.store.add(dev);
  ctx.connections.open(dev);
  await ctx.connections.whenSettled(id, SETTLE_MS);
  return { deviceId: id, message: `Added “${label}”. Put it in the room when you want it to follow sessions.` };
}

async function addZ2m(ctx: AddContext, a: Extract<ArgsOut<(typeof lightsCommands)['addLight']>, { protocol: 'z2m' }>): Promise<Added> {
  let parsed: URL;
  try {
    parsed = new URL(a.url);
  } catch {
    throw new Refusal('The broker address is not a URL (expected e.g. mqtt://192.168.1.10:1883).');
  }
  if (parsed.username || parsed.password) throw new Refusal('Put the user name and password in their own fields, not in the address.');
  const baseTopic = a.baseTopic && a.baseTopic !== 'zigbee2mqtt' ? a.baseTopic : undefined;
  const id = deviceIdOf('z2m', baseTopic ? `${parsed.host}/${baseTopic}` : parsed.host);
  ctx.store.refuseDuplicate(id);
  const bridge = await Z2mBridge.connect({
    url: a.url,
    username: a.username,
    password: a.password,
    baseTopic,
    insist: a.insist,
    connectTimeoutMs: ctx.timeoutMs,
  });
  if (!bridge.ok) throw new Refusal(`Could not connect to the MQTT broker at ${parsed.host}: ${redact(bridge.error, [a.password])}.`);
  const lights = await bridge.value.lights(ctx.timeoutMs);
  await bridge.value.close();
  if (!lights.ok)
    throw new Refusal(
      baseTopic || a.baseTopic
        ? `${sentence(lights.error)} Check the base topic (“${a.baseTopic}”).`
        : `${sentence(lights.error)} If Zigbee2MQTT uses another base topic, enter it.`,
    );
  const dev: StoredDevice = {
    id,
    protocol: 'z2m',
    name: a.name ?? 'Zigbee2MQTT',
    address: `${parsed.protocol}//${parsed.host}`,
    insist: a.insist,
    username: a.username || undefined,
    baseTopic,
    secret: a.password ? ctx.store.seal(a.password) : undefined,
    lights: [],
  };
  ctx.store.add(dev, a.password || undefined);
  ctx.connections.open(dev);
  await ctx.connections.whenSettled(id, SETTLE_MS);
  return { deviceId: id, message: `Connected. ${lights.value.length} lights found; put the ones in this room in the room.` };
}

async function addHa(ctx: AddContext, url: string, token: string, name: string | undefined, insist: boolean): Promise<Added> {
  const base = await checkBaseUrl(url, { insist });
  if (!base.ok) throw new Refusal(sentence(base.error));
  const id = deviceIdOf('homeassistant', base.value.host);
  ctx.store.refuseDuplicate(id);
  const ha = await HomeAssistant.open({ baseUrl: base.value.origin, token, insist, timeoutMs: ctx.timeoutMs });
  if (!ha.ok) throw new Refusal(sentence(redact(ha.error, [token])));
  // A real call proves the token (401 → a clear message).
  const lights = await ha.value.lights();
  ha.value.close();
  if (!lights.ok) throw new Refusal(sentence(redact(lights.error, [token])));
  const dev: StoredDevice = {
    id,
    protocol: 'homeassistant',
    name: name ?? 'Home Assistant',
    address: base.value.origin,
    insist,
    secret: ctx.store.seal(token),
    lights: [],
  };
  ctx.store.add(dev, token);
  ctx.connections.open(dev);
  await ctx.connections.whenSettled(id, SETTLE_MS);
  return { deviceId: id, message: `Connected. ${lights.value.lights.length} lights found; put the ones in this room in the room.` };
}

/** Hue link-button pairing: one attempt (the person presses the button, then Pair). */
export async function pairDevice(ctx: AddContext, deviceId: string): Promise<{ message: string }> {
  const dev = ctx.store.device(deviceId);
  if (dev.protocol !== 'hue-v1' && dev.protocol !== 'hue-v2') {
    throw new Refusal(`${PRETTY[dev.protocol]} does not pair with a link button; it connects when added.`);
  }
  ctx.store.requireVault();
  const bridge = openHue(ctx, dev);
  if (!bridge.ok) throw new Refusal(sentence(bridge.error));
  const r = await bridge.value.pair('stillroom#panel', { timeoutMs: 0 });
  bridge.value.close();
  if (!r.ok) {
    if (/link button/.test(r.error)) throw new Refusal('Press the link button on the bridge, then Pair again.');
    if (r.error === CERT_CHANGED) throw new Refusal(sentence(r.error));
    throw new Refusal(`Pairing with “${dev.name}” failed: ${r.error}.`);
  }
  ctx.store.setSecret(dev, r.value.key);
  ctx.log(`paired with Hue bridge ${dev.name}`);
  // The link was waiting for a key: open it again with the new one.
  const link = ctx.connections.open(dev);
  await ctx.connections.whenSettled(dev.id, SETTLE_MS);
  if (!link.connected)
    return { message: `Paired, but the bridge did not list its lights: ${link.status().why ?? 'it did not answer in time'}` };
  return { message: `Paired. ${dev.lights.length} lights found; put the ones in this room in the room.` };
}

/** Hue: every light of the bridge comes back as it was after a power cut, instead of at full white. */
export async function keepAfterPowerCut(ctx: AddContext, deviceId: string): Promise<{ message: string }> {
  const dev = ctx.store.device(deviceId);
  if (dev.protocol !== 'hue-v1' && dev.protocol !== 'hue-v2')
    throw new Refusal(`${PRETTY[dev.protocol]} lights keep their own power-on setting; change it in its app.`);
  const link = ctx.connections.link(dev.id);
  if (!link?.connected) throw new Refusal(`“${dev.name}” is not connected; pair it or check it is on, then try again.`);
  const hue = link.lights().flatMap((l) => (l.current instanceof HueLight && l.isListed ? [l.current] : []));
  const results = await Promise.all(hue.map((d) => d.keepStateAfterPowerCut()));
  const failed = results.flatMap((r, i) => (r.ok ? [] : [`${hue[i]?.name}: ${r.error}`]));
  if (failed.length === hue.length && hue.length > 0) throw new Refusal(`The bridge did not take the setting (${failed[0]}).`);
  const done = hue.length - failed.length;
  ctx.log(`power-on behaviour set on ${done} of ${hue.length} lights of ${dev.name}`);
  return {
    message: failed.length
      ? `${done} of ${hue.length} lights will come back as they were after a power cut; not: ${failed.slice(0, 3).join('; ')}.`
      : `All ${done} lights will come back as they were after a power cut, not at full brightness.`,
  };
}
