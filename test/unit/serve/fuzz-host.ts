/**
 * A browser host in its own process for the fuzz test (`node --import tsx fuzz-host.ts DIR`):
 * the real host services on a temp data folder with the bundled presets and demo music, the
 * real server, a stand-in renderer. Prints `READY <port> <secret>` on stdout; every handler
 * failure the server catches is logged on stderr. If any input kills it, the parent sees the exit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StillroomHost } from '../../../electron/host/host';
import { startServer } from '../../../electron/serve/server';
import { confSettings } from '../../../electron/services/settings';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const [dir, secret] = process.argv.slice(2);
if (!dir || !secret) throw new Error('usage: fuzz-host.ts DIR SECRET');

const rendererDir = join(dir, 'renderer');
mkdirSync(join(rendererDir, 'assets'), { recursive: true });
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Stillroom</title>');
writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');

const host = await StillroomHost.open({
  dataDir: join(dir, 'data'),
  appRoot: ROOT,
  settings: confSettings(join(dir, 'data')),
  log: (l) => process.stderr.write(`host: ${l}\n`),
});
const server = await startServer(host, rendererDir, 0, { secret, log: (l) => process.stderr.write(`server: ${l}\n`) });
process.stdout.write(`READY ${server.port}\n`);
process.on('SIGTERM', () => {
  void server.close().finally(() => {
    host.close();
    process.exit(0);
  });
});
