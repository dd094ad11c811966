/** The lights view's command names (dependency-free: the sandboxed preload imports it). Owned by electron/host/lights.ts. */
export const LIGHT_COMMANDS = [
  'refreshLights',
  'discoverLights',
  'addLight',
  'pairLight',
  'renameLight',
  'removeLight',
  'setLightInRoom',
  'testPulse',
  'previewScene',
  'setSafeScene',
  'keepLightsAfterPowerCut',
] as const;
