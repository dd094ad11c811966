/** The library commands' names (dependency-free: the sandboxed preload imports it). Owned by electron/host/library.ts. */
export const LIBRARY_COMMANDS = [
  'addLibraryFolder',
  'removeLibraryFolder',
  'rescanLibrary',
  'searchLibrary',
  'importPlaylistFile',
] as const;
