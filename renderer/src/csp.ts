/**
 * The page's Content-Security-Policy allows no `eval`. zod 4 probes for it once (a caught
 * `new Function('')`), which a strict CSP still reports as a violation; `jitless` skips the probe
 * and the compiled fast path (nothing here validates at a rate where it matters). Imported first
 * by main.tsx, before any schema runs.
 */
import { config } from 'zod';

config({ jitless: true });
