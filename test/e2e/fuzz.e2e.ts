/**
 * Fuzz: at least 100,000 random and mutated inputs against the built browser host running in
 * its own process (`out/main/serve.js`, as `npm start` runs it) — WebSocket messages, HTTP
 * requests, and raw malformed requests on bare sockets. What must hold: the process never
 * exits; every WebSocket message gets exactly one reply; every HTTP request gets an answer;
 * and afterwards the host still serves a whole session (start, state, its music with a range).
 * Here rather than in the unit stage: it keeps both cores busy for a while, and Playwright runs
 * one test at a time, so it starves no timed test beside it. No browser is involved.
 *
 * A failure names its seed (`STILLROOM_FUZZ_SEED` replays it; `STILLROOM_FUZZ_SCALE=0.1` runs a tenth).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { applyHostMessage, type HostSnapshot, type ServerMessage } from '../../electron/host/contract';
import { httpCases, rawRequests, wsMessages } from './fuzz-inputs';
import { expect, test } from './launcher';

const SEED = Number(process.env.STILLROOM_FUZZ_SEED ?? 20_261_203);
const SCALE = Number(process.env.STILLROOM_FUZZ_SCALE ?? 1);
const WS_CASES = Math.round(70_000 * SCALE);
const HTTP_CASES = Math.round(28_000 * SCALE);
const RAW_CASES = Math.round(2_000 * SCALE);

/** CPU time (user + system) a process has used so far, from /proc (Linux); NaN elsewhere. */
function hostCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

let port = 0;
let SECRET = '';

/** Sends `frames` on one socket, at most `window` unanswered at a time; resolves with the replies counted. */
function sendAll(
  frames: Array<string | Buffer>,
  window = 400,
): Promise<{ sent: number; replies: number; accepted: number; closeCode: number | null }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${SECRET}`, { maxPayload: 64 * 1024 * 1024 });
    let sent = 0;
    let replies = 0;
    let accepted = 0;
    const pump = () => {
      while (sent < frames.length && sent - replies < window) ws.send(frames[sent++] as string | Buffer);
      if (replies === frames.length) ws.close();
    };
    ws.on('open', pump);
    ws.on('message', (d) => {
      const text = String(d);
      // The host's state snapshots (large, one per accepted command) are not read here: parsing
      // them all would make this side, not the host, the slow one.
      if (text.startsWith('{"kind":"state"') || text.startsWith('{"kind":"lamp"')) return;
      const m = JSON.parse(text) as { kind: string; result?: { ok: boolean } };
      if (m.kind !== 'reply') return;
      replies++;
      if (m.result?.ok) accepted++;
      pump();
    });
    ws.on('close', (code) => resolve({ sent, replies, accepted, closeCode: replies === frames.length ? null : code }));
    ws.on('error', reject);
  });
}

function httpAll(cases: ReturnType<typeof httpCases>, concurrency = 24): Promise<Map<number, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const statuses = new Map<number, number>();
  let next = 0;
  const one = (): Promise<void> => {
    const c = cases[next++];
    if (!c) return Promise.resolve();
    return new Promise<void>((done) => {
      let settled = false;
      const settle = (status: number) => {
        if (settled) return;
        settled = true;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        done();
      };
      const req = request({ host: '127.0.0.1', port, agent, method: c.method, path: c.path, headers: c.headers }, (res) => {
        res.resume();
        res.on('end', () => settle(res.statusCode ?? 0));
        res.on('error', () => settle(res.statusCode ?? 0));
      });
      // A request the client itself refuses to send, or whose connection closed unanswered, counts as status 0.
      req.on('error', () => settle(0));
      req.end();
    }).then(one);
  };
  return Promise.all(Array.from({ length: concurrency }, one)).then(() => {
    agent.destroy();
    return statuses;
  });
}

/** Writes each raw request on its own socket and waits for the server to answer or close (never for a timeout). */
async function rawAll(bufs: Buffer[], concurrency = 32): Promise<{ answered: number; closedSilently: number }> {
  let answered = 0;
  let closedSilently = 0;
  let next = 0;
  const one = async (): Promise<void> => {
    const b = bufs[next++];
    if (!b) return;
    await new Promise<void>((done) => {
      const s = connect(port, '127.0.0.1');
      let got = false;
      s.on('connect', () => {
        s.write(b);
        // Half-close: the server sees the request end, answers what it can and closes.
        s.end();
      });
      s.on('data', () => {
        got = true;
      });
      s.on('error', () => {});
      s.on('close', () => {
        if (got) answered++;
        else closedSilently++;
        done();
      });
      s.setTimeout(10_000, () => s.destroy());
    });
    return one();
  };
  await Promise.all(Array.from({ length: concurrency }, one));
  return { answered, closedSilently };
}

function hostView(): Promise<{
  ws: WebSocket;
  last: () => HostSnapshot | null;
  send: (c: string, a?: unknown) => Promise<{ ok: boolean }>;
}> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${SECRET}`);
    let last: HostSnapshot | null = null;
    let id = 1_000_000;
    const waiting = new Map<number, (r: { ok: boolean }) => void>();
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      if (m.kind === 'reply') waiting.get(m.id)?.(m.result);
      else last = applyHostMessage(last, m) ?? last;
    });
    ws.on('open', () =>
      resolve({
        ws,
        last: () => last,
        send: (command, args = {}) =>
          new Promise((ok) => {
            const n = id++;
            waiting.set(n, ok);
            ws.send(JSON.stringify({ id: n, command, args }));
          }),
      }),
    );
    ws.on('error', reject);
  });
}

test(`the browser host survives ${WS_CASES + HTTP_CASES + RAW_CASES} fuzzed inputs (seed ${SEED}): it never exits, answers every input, and still serves a session afterwards`, async ({
  host,
}, testInfo) => {
  test.setTimeout(300_000);
  port = Number(new URL(host.origin).port);
  SECRET = host.secret;
  const exits: Array<{ code: number | null; signal: string | null }> = [];
  host.process.on('exit', (code, signal) => exits.push({ code, signal }));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // A session running makes the media and session paths live for the HTTP cases.
  const view = await hostView();
  expect((await view.send('startSession', { presetId: 'demo-quick' })).ok).toBe(true);
  await expect.poll(() => view.last()?.timeline?.segments.length ?? 0).toBeGreaterThan(0);
  const trackIds = [...new Set((view.last()?.timeline?.segments ?? []).map((s) => s.trackId))];

  const messages = wsMessages(WS_CASES, SEED);
  const quarter = Math.ceil(messages.length / 4);
  const took: Record<string, number> = {};
  const timed = <T>(name: string, p: Promise<T>): Promise<T> =>
    p.then((v) => {
      took[name] = Math.round((performance.now() - t0) / 100) / 10;
      return v;
    });
  const [ws, http, raw] = await Promise.all([
    timed('ws', Promise.all([0, 1, 2, 3].map((i) => sendAll(messages.slice(i * quarter, (i + 1) * quarter))))),
    timed('http', httpAll(httpCases(HTTP_CASES, SEED, port, SECRET, trackIds))),
    timed('raw', rawAll(rawRequests(RAW_CASES, SEED, port, SECRET))),
  ]);
  // One frame past the size limit closes that socket (1009), and only that socket.
  const oversize = await sendAll(['x'.repeat(9 * 1024 * 1024)]);
  const seconds = (performance.now() - t0) / 1000;
  // CPU seconds each side used: on a busy shared machine the wall time says little; on two
  // quiet cores the run takes about as long as the busier side's CPU time.
  const cpu = process.cpuUsage(cpu0);
  const clientCpuS = (cpu.user + cpu.system) / 1e6;
  const hostCpuS = hostCpuSeconds(host.process.pid);

  const wsSent = ws.reduce((n, r) => n + r.sent, 0);
  const wsReplies = ws.reduce((n, r) => n + r.replies, 0);
  const httpAnswered = [...http.entries()].filter(([s]) => s > 0).reduce((n, [, c]) => n + c, 0);
  const stderr = host.stderr();
  const handlerFailures = (stderr.match(/failed: .*\(answered; the host goes on\)/g) ?? []).length;
  const summary =
    `fuzz: ${wsSent} WebSocket messages (${wsReplies} replies, ${ws.reduce((n, r) => n + r.accepted, 0)} accepted as valid commands), ${HTTP_CASES} HTTP requests (statuses ${JSON.stringify(Object.fromEntries(http))}), ` +
    `${RAW_CASES} raw requests (${raw.answered} answered, ${raw.closedSilently} closed without answer), ` +
    `${handlerFailures} handler failures caught, ${exits.length} exits, ${seconds.toFixed(1)} s (done at ${JSON.stringify(took)}); CPU: host ${hostCpuS.toFixed(1)} s, fuzzer ${clientCpuS.toFixed(1)} s`;
  process.stderr.write(`${summary}\n`);
  testInfo.annotations.push({ type: 'fuzz', description: summary });

  expect(exits, `the host exited:\n${stderr.slice(-4000)}`).toEqual([]);
  expect(wsSent + HTTP_CASES + RAW_CASES).toBeGreaterThanOrEqual(100_000 * SCALE);
  expect(wsReplies).toBe(wsSent);
  expect(ws.map((r) => r.closeCode)).toEqual([null, null, null, null]);
  expect(oversize.closeCode).toBe(1009);
  // Every request the client could send was answered; none crashed into a 500.
  expect(httpAnswered + (http.get(0) ?? 0)).toBe(HTTP_CASES);
  expect(http.get(500) ?? 0).toBe(0);
  expect(http.get(0) ?? 0).toBeLessThan(HTTP_CASES / 10);

  // Afterwards: a whole session still works — end what the fuzz left, start, state, its music.
  const after = await hostView();
  await after.send('endSession');
  expect((await after.send('startSession', { presetId: 'demo-quick', clientAlias: 'after fuzz' })).ok).toBe(true);
  await expect.poll(() => after.last()?.session?.status === 'running' && after.last()?.session?.plan.clientAlias).toBe('after fuzz');
  const track = after.last()?.timeline?.segments[0]?.trackId ?? '';
  const media = await new Promise<number>((ok, fail) => {
    request(
      { host: '127.0.0.1', port, path: `/media/${encodeURIComponent(track)}?token=${SECRET}`, headers: { range: 'bytes=0-99' } },
      (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      },
    )
      .on('error', fail)
      .end();
  });
  expect(media).toBe(206);
  expect((await after.send('addNote', { text: 'still here' })).ok).toBe(true);
  view.ws.close();
  after.ws.close();
  expect(exits).toEqual([]);
});
