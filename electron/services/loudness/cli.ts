/**
 * `npm run loudness -- FILE...`: measures audio files the way Stillroom will level them, so a
 * clinic can check a folder before a session. One JSON line per file on stdout, in the order
 * given; progress on stderr only when stderr is a terminal; exit code 1 if any file failed.
 *
 *   {"file":"a.mp3","integratedLufs":-14.2,"loudnessRangeLu":6.1,"truePeakDbtp":-0.4,"cueInS":0.12,
 *    "cueOutS":241.9,"replayGainDb":null,"suggestedGainDb":-9.2}
 *   {"file":"b.mp3","error":"not an audio file: it contains text…","code":"unrecognised"}
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { DEFAULT_GAIN_POLICY, trackGain } from '../../core/gain';
import { analyseMany } from './pool';
import type { LoudnessOutcome } from './types';

const USAGE = `usage: npm run loudness -- [--jobs N] [--target LUFS] FILE...

--jobs N: files measured at once (default: one per core, ${availableParallelism()} here).

Measures each file (EBU R128): integrated loudness (LUFS), loudness range (LU), true peak (dBTP),
where the music starts and ends (cueInS/cueOutS), its ReplayGain tag, and the gain Stillroom
would apply (suggestedGainDb, for a target of ${DEFAULT_GAIN_POLICY.targetLufs} LUFS unless --target is given).
One JSON line per file on stdout. Exit code 1 if any file could not be measured.
`;

const round = (x: number, digits = 2) => {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
};

function line(outcome: LoudnessOutcome, targetLufs: number): string {
  if (!outcome.ok) return JSON.stringify({ file: outcome.file, error: outcome.error.message, code: outcome.error.code });
  const r = outcome.result;
  const gain = trackGain(
    { measured: { integratedLufs: r.integratedLufs, truePeakDbtp: r.truePeakDbtp, channels: r.channels } },
    { ...DEFAULT_GAIN_POLICY, targetLufs },
  );
  return JSON.stringify({
    file: outcome.file,
    integratedLufs: round(r.integratedLufs),
    loudnessRangeLu: round(r.loudnessRangeLu),
    truePeakDbtp: round(r.truePeakDbtp),
    cueInS: round(r.cueInS, 3),
    cueOutS: round(r.cueOutS, 3),
    replayGainDb: r.replayGain ? round(r.replayGain.trackGainDb) : null,
    ...(r.replayGainIgnored ? { replayGainIgnored: r.replayGainIgnored } : {}),
    suggestedGainDb: round(gain.gainDb),
    ...(r.decodeWarnings > 0 ? { decodeWarnings: r.decodeWarnings } : {}),
  });
}

function parseArgs(argv: string[]): { files: string[]; jobs: number; targetLufs: number } | string {
  const files: string[] = [];
  let jobs = availableParallelism();
  let targetLufs = DEFAULT_GAIN_POLICY.targetLufs;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h' || a === '--help') return '';
    if (a === '--jobs' || a === '--target') {
      const v = Number(argv[++i]);
      if (a === '--jobs') {
        if (!Number.isInteger(v) || v < 1 || v > availableParallelism())
          return `--jobs takes a whole number from 1 to ${availableParallelism()}`;
        jobs = v;
      } else {
        if (!Number.isFinite(v) || v > -5 || v < -40) return '--target takes a loudness in LUFS between -40 and -5';
        targetLufs = v;
      }
    } else if (a.startsWith('-') && a !== '-') {
      return `unknown option ${a}`;
    } else {
      files.push(a);
    }
  }
  return files.length === 0 ? 'no files given' : { files, jobs, targetLufs };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(args ? `loudness: ${args}\n${USAGE}` : USAGE);
    return args ? 2 : 0;
  }
  const tty = process.stderr.isTTY === true;
  const printed: Array<string | undefined> = [];
  let next = 0;
  let failed = 0;
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const outcomes = await analyseMany(args.files, {
    concurrency: args.jobs,
    signal: abort.signal,
    onProgress: (p) => {
      if (p.outcome) {
        if (!p.outcome.ok) failed++;
        printed[p.index] = line(p.outcome, args.targetLufs);
        // Keep stdout in the order given, whatever order the workers finish in.
        if (tty) process.stderr.write('\r\x1b[K');
        while (printed[next] !== undefined) process.stdout.write(`${printed[next++]}\n`);
      }
      if (tty && p.completed < p.total) {
        const pct = Math.floor(p.fraction * 100);
        process.stderr.write(`\r\x1b[K[${p.completed}/${p.total}] ${pct}%  ${basename(p.file)}`);
      }
    },
  });
  if (tty) process.stderr.write('\r\x1b[K');
  return failed > 0 || outcomes.some((o) => !o.ok) ? 1 : 0;
}

process.exitCode = await main();
