/**
 * Following folders for changes (the music library, the clinic's shared preset folder).
 * Services take a `WatchFactory` so tests drive changes by hand and nothing is left running;
 * the default uses chokidar, which works on local disks and (with polling) network drives.
 */
import { watch as chokidarWatch } from 'chokidar';

export type WatchEventKind = 'add' | 'change' | 'unlink' | 'addDir' | 'unlinkDir';

export interface WatchEvent {
  kind: WatchEventKind;
  path: string;
}

/** Something that can be stopped; `close` resolves once no more events will arrive. */
export interface FolderWatcher {
  close(): Promise<void>;
  /** Resolves once the watcher has looked at what is there and reports changes from now on (chokidar's "ready"). */
  ready?: Promise<void>;
}

export interface WatchOptions {
  /** Poll instead of native events (network drives and some synced folders need it). */
  usePolling?: boolean;
  /** Only report files for which this returns true (folders are always reported). */
  fileFilter?: (path: string) => boolean;
}

export type WatchFactory = (
  paths: readonly string[],
  onEvent: (event: WatchEvent) => void,
  onError: (err: Error) => void,
  options?: WatchOptions,
) => FolderWatcher;

const KINDS = new Set<string>(['add', 'change', 'unlink', 'addDir', 'unlinkDir']);

/** The default watcher: chokidar, waiting for writes to settle, not following symlinks. */
export const chokidarWatchFactory: WatchFactory = (paths, onEvent, onError, options = {}) => {
  const filter = options.fileFilter;
  const watcher = chokidarWatch([...paths], {
    ignoreInitial: true,
    followSymlinks: false,
    depth: 32,
    usePolling: options.usePolling ?? false,
    interval: 2000,
    awaitWriteFinish: { stabilityThreshold: 400, pollInterval: 100 },
    ignored: (path, stats) => {
      const name = path.split(/[\\/]/).pop() ?? '';
      if (name.startsWith('.') && name.endsWith('.partial')) return true;
      return Boolean(filter && stats?.isFile() && !filter(path));
    },
  });
  watcher.on('all', (event, path) => {
    if (KINDS.has(event)) onEvent({ kind: event as WatchEventKind, path });
  });
  watcher.on('error', (err) => onError(err instanceof Error ? err : new Error(String(err))));
  const ready = new Promise<void>((done) => watcher.once('ready', () => done()));
  return { close: () => watcher.close(), ready };
};

/** A watcher tests drive by hand: `emit` delivers events as if the disk had changed. */
export interface ManualWatch {
  factory: WatchFactory;
  emit(event: WatchEvent): void;
  readonly open: number;
  readonly paths: readonly string[];
}

export function manualWatch(): ManualWatch {
  const listeners = new Set<(e: WatchEvent) => void>();
  let paths: readonly string[] = [];
  return {
    factory: (p, onEvent) => {
      paths = p;
      listeners.add(onEvent);
      return {
        close: async () => {
          listeners.delete(onEvent);
        },
      };
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
    get open() {
      return listeners.size;
    },
    get paths() {
      return paths;
    },
  };
}
