#!/usr/bin/env node
// `npm run serve`: the browser host. Builds if needed, then serves the app on 127.0.0.1.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIfNeeded, root } from './lib/build.mjs';

buildIfNeeded();
await import(pathToFileURL(join(root, 'out', 'main', 'serve.js')).href);
