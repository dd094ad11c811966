/**
 * The browser host: `node out/main/serve.js [--port N] [--data-dir DIR] [--preset ID] [--key-file FILE] [--new-secret]`.
 * Runs the same host services as the desktop app and serves the built renderer to a browser
 * on 127.0.0.1. Prints exactly one line on stdout when ready — `Stillroom is running at
 * http://127.0.0.1:PORT/?token=SECRET` — everything else goes to stderr. The secret
 * (`secret.ts`) lives beside the data key; `--new-secret` replaces it.
 *
 * Encryption at rest: the journal is sealed with the data folder's key, kept in a 0600 key file
 * outside the data folder (see `defaultKeyFile`; `--key-file` or `STILLROOM_KEY_FILE` choose
 * another place). Lose the key file and the sealed journals cannot be read: back it up apart
 * from the data folder.
 *
 * Start order, for a fast first screen: the options, the key, the secret and the data folder's
 * lock come first (each refusal — bad option 64, folder in use 75, unreadable key 1 — is given
 * before the address line); a folder that then fails to open exits 78, which the launcher
 * does not retry; then the server listens and the address line is printed; the host's
 * own modules (a large share of the start time) load once the page has its files
 * (`RunningServer.quiet`), and the page's bridge and media wait for the host meanwhile.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StillroomHost } from '../host/host';
import { DataDirBusyError, lockDataDir } from '../services/lock';
import { defaultDataDir } from '../services/paths';
import { defaultKeyFile, isInside, Vault } from '../services/vault';
import { loadOrCreateSecret, secretFileFor } from './secret';
import { startServer } from './server';

interface CliOptions {
  port: number;
  dataDir: string;
  presetId: string | null;
  /** null: the default place for this data folder (decided once the folder exists). */
  keyFile: string | null;
  /** Replace the secret, so every page opened before is refused. */
  newSecret: boolean;
}

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: npm run serve -- [--port N] [--data-dir DIR] [--preset ID] [--key-file FILE] [--new-secret]\n`);
  process.exit(64);
}

export function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { port: 5170, dataDir: defaultDataDir(), presetId: null, keyFile: null, newSecret: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.includes('=') ? (arg.split(/=(.*)/s, 2) as [string, string]) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') usage(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 65535) usage('--port must be a whole number from 0 to 65535 (0 = any free port)');
      opts.port = n;
    } else if (flag === '--data-dir') opts.dataDir = resolve(value());
    else if (flag === '--preset') opts.presetId = value();
    else if (flag === '--key-file') opts.keyFile = resolve(value());
    else if (arg === '--new-secret') opts.newSecret = true;
    else usage(`unknown option ${arg}`);
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const here = dirname(fileURLToPath(import.meta.url));
  const appRoot = resolve(here, '..', '..');
  let vault: Vault;
  let secret: string;
  try {
    mkdirSync(opts.dataDir, { recursive: true });
    const keyFile = opts.keyFile ?? defaultKeyFile(opts.dataDir);
    if (isInside(keyFile, opts.dataDir)) {
      process.stderr.write(`stillroom: the key file ${keyFile} is inside the data folder; a copy of the folder would carry its key\n`);
    }
    vault = Vault.open(keyFile, undefined, { dataDir: opts.dataDir });
    process.stderr.write(`stillroom: journal encrypted at rest with the key in ${keyFile}\n`);
    const loaded = loadOrCreateSecret(secretFileFor(keyFile), opts.newSecret);
    secret = loaded.secret;
    if (loaded.note) process.stderr.write(`stillroom: ${loaded.note}\n`);
  } catch (err) {
    process.stderr.write(`stillroom: ${(err as Error).message}\n`);
    process.exit(1);
  }
  // One Stillroom per data folder: refused here, before the address line, if another has it.
  let releaseLock: () => void;
  try {
    releaseLock = lockDataDir(opts.dataDir);
  } catch (err) {
    process.stderr.write(`stillroom: ${(err as Error).message}\n`);
    process.exit(err instanceof DataDirBusyError ? 75 : 1);
  }
  let host: StillroomHost | null = null;
  let startOpening: () => void = () => {};
  const opening = new Promise<void>((go) => {
    startOpening = go;
  }).then(async () => {
    // Loaded only now: the host's modules (schemas, settings, library, lights) are most of the start time.
    const [{ StillroomHost }, { confSettings }, { openSupportLog }] = await Promise.all([
      import('../host/host'),
      import('../services/settings'),
      import('../services/log'),
    ]);
    return StillroomHost.open({
      vault,
      dataDir: opts.dataDir,
      appRoot,
      settings: confSettings(opts.dataDir),
      defaultPresetId: opts.presetId,
      supportLog: openSupportLog(opts.dataDir, (l) => process.stderr.write(`stillroom: ${l}\n`)),
      heldLock: releaseLock,
    });
  });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(opening, join(appRoot, 'out', 'renderer'), opts.port, { secret });
  } catch (err) {
    releaseLock();
    process.stderr.write(`stillroom: could not start the server: ${(err as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`Stillroom is running at ${server.url}?token=${secret}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`stillroom: ${signal}, shutting down\n`);
    void server.close().finally(() => {
      if (host) host.close();
      else releaseLock();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  // A page opened from the address line gets its files first; then the host loads.
  await server.quiet();
  startOpening();
  try {
    host = await opening;
  } catch (err) {
    // StillroomHost.open released the lock on its way out. 78 (EX_CONFIG): the launcher does
    // not restart a host whose data folder cannot be opened — it would fail the same way.
    process.stderr.write(`stillroom: could not open the data folder ${opts.dataDir}: ${(err as Error).message}\n`);
    process.exit(78);
  }
  process.stderr.write(`stillroom: open, ${Math.round(performance.now())} ms after start\n`);
  if (stopping) return;
  if (opts.presetId && !host.presets().some((p) => p.preset.id === opts.presetId)) {
    process.stderr.write(`stillroom: no preset with id "${opts.presetId}"; showing all presets\n`);
  }
}

void main();
