/**
 * Lights that come back by themselves, in a real Chromium against the browser host: Debian's
 * `mosquitto` (started here on a loopback port) with the Zigbee2MQTT stand-in, and a loopback
 * Hue v1 bridge. A person adds both in the Lights view (the Zigbee2MQTT base topic in the form),
 * puts every light in the room and starts a session. Then:
 *
 * - the broker is restarted mid-session: the panel names the lights that are not answering,
 *   the Lights view says why and when the next try is, and the Zigbee2MQTT lights receive
 *   commands again within 30 s of the broker's return;
 * - Safe state is pressed while the Hue bridge is down: within 5 s of its return its lights are
 *   at the safe level.
 *
 * Screenshots of the Lights view at 1280×800 and 1366×768 go to /tmp/shots-lights/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { levelToUnits, SCALES } from '../../electron/services/lighting/levels';
import { FakeHueBridge } from '../fixtures/peers/hue-bridge';
import { Mosquitto } from '../fixtures/peers/mosquitto';
import { simDevice, Z2mSimulator } from '../fixtures/peers/z2m';
import { expect, test } from './launcher';

const SHOTS = process.env.STILLROOM_SHOTS_LIGHTS ?? '/tmp/shots-lights';
const TOPIC = 'home/zigbee';

async function shortcut(page: Page, key: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
  await page.keyboard.press(key);
}

const view = (page: Page, name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name }).click();

test('a broker restart and a bridge outage mid-session: the lights come back by themselves, Safe state reaches them, the status says so', async ({
  app,
}) => {
  test.setTimeout(240_000);
  const page = app;
  const broker = await new Mosquitto().start();
  const zigbee = [1, 2, 3].map((i) => ({ ...simDevice(i), name: `Zigbee lamp ${i}` }));
  const sim = await new Z2mSimulator(broker.url, zigbee, TOPIC).start();
  const hue = await new FakeHueBridge({ lights: 2 }).start();
  try {
    await expect(page.getByRole('button', { name: 'Start session' })).toBeVisible();
    await view(page, 'Lights');
    const add = page.getByRole('form', { name: 'Add a light by address' });

    // Zigbee2MQTT on its own base topic.
    await add.getByLabel('Kind').selectOption('z2m');
    await add.getByLabel('Address (URL)').fill(broker.url);
    await add.getByLabel('Base topic (optional)').fill(TOPIC);
    await add.getByRole('button', { name: 'Add light' }).click();
    await expect(add.getByText(/Connected\. 3 lights found/)).toBeVisible({ timeout: 15_000 });
    const z2m = page.getByTestId('light-device').filter({ hasText: 'Zigbee2MQTT' });
    await expect(z2m.getByTestId('device-state')).toHaveText('Connected');
    await expect(z2m).toContainText(`topic ${TOPIC}`);

    // The Hue bridge, paired.
    await add.getByLabel('Kind').selectOption('hue-v1');
    await add.getByLabel('IP address').fill('127.0.0.1');
    await add.getByLabel('Port (optional)').fill(String(hue.peer.port));
    await add.getByRole('button', { name: 'Add light' }).click();
    const bridge = page.getByTestId('light-device').filter({ hasText: 'Philips hue' });
    hue.linkPressed = true;
    await bridge.getByRole('button', { name: 'Pair' }).click();
    await expect(bridge.getByText(/Paired\. 2 lights found/)).toBeVisible({ timeout: 15_000 });

    // Every light in the room; each shows its level next to its own app's %.
    for (const card of [z2m, bridge]) {
      const boxes = card.getByRole('checkbox', { name: 'In the room' });
      for (let i = 0; i < (await boxes.count()); i++) {
        await boxes.nth(i).click();
        await expect(boxes.nth(i)).toBeChecked();
      }
    }
    await expect(page.getByTestId('lights-summary')).toHaveText('Lights: 5 of 5 answering', { timeout: 20_000 });
    await expect(bridge.getByTestId('light-level').first()).toHaveText(/^Level \d+ · [\d.]+ % in the Hue app$/, { timeout: 20_000 });
    await expect(z2m.getByTestId('light-level').first()).toHaveText(/^Level \d+ · [\d.]+ % in Zigbee2MQTT$/);
    // What Stillroom keeps on each bridge for safe state is said on the view.
    await expect(z2m.getByTestId('safe-state-path')).toHaveText(/one command to the bridge group “Stillroom room”/, { timeout: 20_000 });
    await expect(bridge.getByTestId('safe-state-path')).toHaveText(/one command to the bridge group “.+”, which holds exactly the room/);

    mkdirSync(SHOTS, { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const [w, h] of [
      [1280, 800],
      [1366, 768],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.screenshot({ path: join(SHOTS, `lights-view-${w}x${h}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // A session.
    await view(page, 'Session');
    await page.getByRole('button', { name: 'Start session' }).click();
    await expect(page.getByTestId('phase-name')).toBeVisible();
    await expect(page.getByTestId('lights-status')).toHaveText('Lights: 5 of 5 answering');

    // The broker restarts mid-session.
    await broker.stop();
    await expect(page.getByTestId('lights-status')).toHaveText(
      'Lights: Zigbee lamp 1, Zigbee lamp 2 and Zigbee lamp 3 are not answering.',
      { timeout: 15_000 },
    );
    await view(page, 'Lights');
    await expect(z2m.getByTestId('device-state')).toHaveText(
      new RegExp(
        `^The Zigbee2MQTT broker at 127\\.0\\.0\\.1:${broker.port} is not answering\\. Reconnecting since .+; next try in \\d+ s\\.$`,
      ),
    );
    await z2m.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'lights-view-broker-down.png') });
    await page.waitForTimeout(8_000); // real time: the broker stays away a while, as in a restart
    const setsBefore = sim.sets.length;
    await broker.start();
    const brokerBack = Date.now();
    await sim.start();
    await expect(z2m.getByTestId('device-state')).toHaveText('Connected', { timeout: 30_000 });
    // Within 30 s of the broker's return every Zigbee2MQTT light has been sent a command again.
    await expect
      .poll(() => new Set(sim.sets.slice(setsBefore).map((s) => s.name)).size, { timeout: 30_000 - (Date.now() - brokerBack) })
      .toBe(3);
    const z2mBack = Date.now() - brokerBack;
    await view(page, 'Session');
    await expect(page.getByTestId('lights-status')).toHaveText('Lights: 5 of 5 answering', { timeout: 30_000 });

    // The Hue bridge goes away; Safe state is pressed while it is down.
    await hue.close();
    await expect(page.getByTestId('lights-status')).toHaveText('Lights: Lamp 1 and Lamp 2 are not answering.', { timeout: 30_000 });
    await shortcut(page, 'F2');
    await expect(page.getByRole('button', { name: 'Safe state' })).toHaveAttribute('aria-pressed', 'true');
    await page.waitForTimeout(5_000); // real time: the bridge stays away after the press
    const safeBri = levelToUnits(60, SCALES.hueV1).value;
    await hue.peer.restart();
    const hueBack = Date.now();
    await expect.poll(() => hue.lights.every((l) => l.bri === safeBri), { timeout: 5_000 }).toBe(true);
    const arrivals = hue.commands
      .filter((c) => c.at >= hueBack && Number(c.body.bri) === safeBri)
      .map((c) => c.at + Number(c.body.transitiontime ?? 4) * 100 - hueBack);
    expect(Math.max(...arrivals)).toBeLessThanOrEqual(5_000);
    await expect(page.getByTestId('lights-status')).toHaveText('Lights: 5 of 5 answering', { timeout: 20_000 });
    test.info().annotations.push({ type: 'z2m commands again after broker return (ms)', description: String(z2mBack) });
    test.info().annotations.push({ type: 'hue safe level after return (ms)', description: String(Math.max(...arrivals)) });
  } finally {
    await sim.close().catch(() => {});
    await broker.close();
    await hue.close().catch(() => {});
  }
});
