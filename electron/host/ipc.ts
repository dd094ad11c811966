/**
 * Electron IPC channel names (preload ↔ main), free of any dependency so the sandboxed preload
 * can import them. `commands` answers the command names once, synchronously, at preload time:
 * the list is derived from the host's command declarations in the main process, so the preload
 * never needs a copy.
 */
export const IPC = {
  command: 'stillroom:command',
  state: 'stillroom:state',
  ready: 'stillroom:ready',
  commands: 'stillroom:commands',
} as const;
