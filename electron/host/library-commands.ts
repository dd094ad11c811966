/** The library commands' names (dependency-free: the sandboxed preload imports it). Owned by electron/host/library.ts. */
export const LIBRARY_COMMANDS = [
  'addLibraryFolder',
  'addToLibrary',
  'removeLibraryFile',
  'removeLibraryFolder',
  'rescanLibrary',
  'searchLibrary',
  'importPlaylistFile',
] as const;
