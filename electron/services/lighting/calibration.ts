/**
 * A light seen through its clinic calibration: Stillroom's levels go out spread between the
 * light's lowest visible and highest wanted setting (levels.ts `calibrateLevel`), and what the
 * light reports comes back in Stillroom's levels. Everything else passes through.
 */
import type { ApplyTiming, DeviceState, DriverResult, LightDriver, LightTarget, Result } from './driver';
import { type Calibration, calibrateLevel, uncalibrateLevel } from './levels';

export function calibrated(driver: LightDriver, cal: Calibration): LightDriver {
  const toDevice = (t: LightTarget): LightTarget => ({ level: calibrateLevel(t.level, cal), kelvin: t.kelvin });
  const fromDevice = (level: number): number => uncalibrateLevel(level, cal);
  const caps = driver.capabilities;
  return {
    id: driver.id,
    protocol: driver.protocol,
    get name() {
      return driver.name;
    },
    get capabilities() {
      // The smallest step the light shows, in Stillroom's levels (below the calibrated minimum nothing is sent).
      return { ...caps, ...driver.capabilities, minLevel: fromDevice(driver.capabilities.minLevel ?? 0) };
    },
    apply: (target: LightTarget, ms: number, timing?: ApplyTiming): Promise<DriverResult> => driver.apply(toDevice(target), ms, timing),
    async readState(): Promise<Result<DeviceState>> {
      if (!driver.readState) {
        const v = await driver.read();
        return v
          ? { ok: true, value: { on: v.level > 0, level: fromDevice(v.level), kelvin: v.kelvin, reachable: true } }
          : { ok: false, error: 'no reading' };
      }
      const r = await driver.readState();
      return r.ok ? { ok: true, value: { ...r.value, level: r.value.on ? fromDevice(r.value.level) : 0 } } : r;
    },
    async read(): Promise<LightTarget | null> {
      const v = await driver.read();
      return v ? { level: fromDevice(v.level), kelvin: v.kelvin } : null;
    },
    supersede: () => driver.supersede?.(),
    subscribe: driver.subscribe ? (l) => driver.subscribe?.(l) ?? (() => {}) : undefined,
    wake: () => driver.wake?.(),
    appPercent: (level: number) => driver.appPercent?.(calibrateLevel(level, cal)) ?? null,
  };
}
