/** The presets and sharing commands' names (dependency-free: the sandboxed preload imports it). Owned by electron/host/sharing.ts. */
export const SHARING_COMMANDS = ['exportPreset'] as const;
