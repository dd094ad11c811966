#!/usr/bin/env node
// `npm run serve`: the browser host. Builds if needed, then serves the app on 127.0.0.1 and
// keeps it running: a host that dies mid-session is restarted on the same port and data
// folder, so the pages already open reconnect by themselves (lib/supervise.mjs).
import { buildIfNeeded, root } from './lib/build.mjs';
import { superviseHost } from './lib/supervise.mjs';

buildIfNeeded();
process.exit(await superviseHost(root, process.argv.slice(2)));
