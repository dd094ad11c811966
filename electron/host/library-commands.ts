/** The library and sharing commands' names (dependency-free: the sandboxed preload imports it). Owned by electron/host/library.ts. */
export const LIBRARY_COMMANDS = ['searchLibrary'] as const;
