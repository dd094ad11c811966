/**
 * Home Assistant's WebSocket API (`/api/websocket`) over the `ws` package: authenticate with
 * the long-lived token, read every state once (`get_states`), then follow `state_changed`
 * events, so reading a light costs nothing and Home Assistant tells us when one changes or
 * becomes unavailable; call `light.turn_on/turn_off` on the same socket. A ping every 20 s
 * (answered within 10 s) notices a Home Assistant that vanished without closing.
 *
 * Written by hand over `ws` rather than with home-assistant-js-websocket: that library brings
 * its own reconnect loop (and needs a global WebSocket on Node 20), which would fight the
 * device link that already owns reconnecting; the part used here is four message types.
 */
import WebSocket from 'ws';
import { z } from 'zod';
import type { Result, Timers } from './driver';
import type { LinkFault } from './link';

const AuthReply = z.object({ type: z.enum(['auth_required', 'auth_ok', 'auth_invalid']), message: z.string().optional() });
const ResultMsg = z.object({
  id: z.number(),
  type: z.literal('result'),
  success: z.boolean(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string().optional(), message: z.string().max(500).optional() }).optional(),
});
const EventMsg = z.object({
  type: z.literal('event'),
  event: z.object({
    event_type: z.string().optional(),
    data: z.object({ entity_id: z.string(), new_state: z.unknown().nullable().optional() }).optional(),
  }),
});

export const PING_MS = 20_000;
export const PONG_WAIT_MS = 10_000;

/** A state as Home Assistant sends it (validated by the caller). */
export type RawState = { entity_id: string } & Record<string, unknown>;

export class HaSocket {
  private next = 1;
  private pending = new Map<number, (r: z.infer<typeof ResultMsg> | null) => void>();
  private pongWaiter: number | null = null;
  private cancelPing: (() => void) | null = null;
  private lostListeners = new Set<(f: LinkFault) => void>();
  private changeListeners = new Set<(entityId: string) => void>();
  private isLost = false;
  /** Every entity's latest state, kept by `state_changed` events. */
  readonly states = new Map<string, RawState>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly timers: Timers,
    private readonly replyMs: number,
  ) {
    ws.on('message', (data) => this.onMessage(data));
    ws.on('close', () => this.markLost());
    ws.on('error', () => this.markLost());
    this.schedulePing();
  }

  /** Connects, authenticates, reads every state and subscribes to changes. Never rejects. */
  static open(
    base: URL,
    token: string,
    opts: { timers: Timers; timeoutMs?: number; ca?: string },
  ): Promise<{ ok: true; value: HaSocket } | { ok: false; fault: LinkFault }> {
    const url = new URL('/api/websocket', base);
    url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    return new Promise((resolve) => {
      let done = false;
      const ws = new WebSocket(url, {
        handshakeTimeout: opts.timeoutMs ?? 5_000,
        maxPayload: 32 << 20,
        ...(opts.ca ? { ca: opts.ca } : {}),
      });
      const finish = (r: { ok: true; value: HaSocket } | { ok: false; fault: LinkFault }) => {
        if (done) return;
        done = true;
        cancel();
        if (!r.ok) ws.terminate();
        resolve(r);
      };
      const cancel = opts.timers.after((opts.timeoutMs ?? 5_000) * 2, () => finish({ ok: false, fault: { kind: 'not-answering' } }));
      ws.on('error', () => finish({ ok: false, fault: { kind: 'not-answering' } }));
      ws.on('unexpected-response', (_req, res) =>
        finish({
          ok: false,
          fault: res.statusCode === 404 ? { kind: 'not-recognised', detail: 'it has no WebSocket API here' } : { kind: 'not-answering' },
        }),
      );
      ws.on('close', () => finish({ ok: false, fault: { kind: 'not-answering' } }));
      const onAuth = (data: WebSocket.RawData) => {
        let msg: z.infer<typeof AuthReply>;
        try {
          const p = AuthReply.safeParse(JSON.parse(data.toString()));
          if (!p.success) return;
          msg = p.data;
        } catch {
          return;
        }
        if (msg.type === 'auth_required') ws.send(JSON.stringify({ type: 'auth', access_token: token }));
        else if (msg.type === 'auth_invalid') finish({ ok: false, fault: { kind: 'refused', detail: 'access token' } });
        else {
          ws.off('message', onAuth);
          const sock = new HaSocket(ws, opts.timers, Math.max(1_000, (opts.timeoutMs ?? 5_000) * 2));
          void sock.start().then((ok) => {
            if (ok) finish({ ok: true, value: sock });
            else {
              sock.close();
              finish({ ok: false, fault: { kind: 'not-recognised', detail: 'it did not list its states' } });
            }
          });
        }
      };
      ws.on('message', onAuth);
    });
  }

  private async start(): Promise<boolean> {
    const sub = await this.send({ type: 'subscribe_events', event_type: 'state_changed' });
    if (!sub?.success) return false;
    const all = await this.send({ type: 'get_states' });
    if (!all?.success || !Array.isArray(all.result)) return false;
    for (const s of all.result) if (isState(s) && !this.states.has(s.entity_id)) this.states.set(s.entity_id, s);
    return true;
  }

  get alive(): boolean {
    return !this.isLost && this.ws.readyState === WebSocket.OPEN;
  }

  onLost(l: (f: LinkFault) => void): void {
    this.lostListeners.add(l);
  }

  /** Called with an entity id whenever Home Assistant reports a change of that entity. */
  onChange(l: (entityId: string) => void): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }

  close(): void {
    this.isLost = true;
    this.cancelPing?.();
    try {
      this.ws.close();
    } catch {
      // already closed
    }
  }

  private markLost(): void {
    if (this.isLost) return;
    this.isLost = true;
    this.cancelPing?.();
    for (const p of this.pending.values()) p(null);
    this.pending.clear();
    for (const l of [...this.lostListeners]) l({ kind: 'not-answering' });
  }

  private schedulePing(): void {
    this.cancelPing = this.timers.after(PING_MS, () => {
      if (this.isLost) return;
      const id = this.next++;
      this.pongWaiter = id;
      this.raw({ id, type: 'ping' });
      this.cancelPing = this.timers.after(PONG_WAIT_MS, () => {
        if (this.pongWaiter === id) {
          this.markLost();
          this.ws.terminate();
        }
      });
    });
  }

  private raw(msg: Record<string, unknown>): boolean {
    if (!this.alive) return false;
    try {
      this.ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  /** Sends a command and waits for its result (null: the socket went first, or no answer in time). */
  private send(msg: Record<string, unknown>): Promise<z.infer<typeof ResultMsg> | null> {
    const id = this.next++;
    return new Promise((resolve) => {
      const cancel = this.timers.after(this.replyMs, () => {
        this.pending.delete(id);
        resolve(null);
      });
      this.pending.set(id, (r) => {
        cancel();
        resolve(r);
      });
      if (!this.raw({ id, ...msg })) {
        cancel();
        this.pending.delete(id);
        resolve(null);
      }
    });
  }

  /** Calls a `light` service on one entity. Errors are Home Assistant's own words, trimmed. */
  async callLight(service: 'turn_on' | 'turn_off', entityId: string, data: Record<string, unknown>): Promise<Result<void>> {
    const r = await this.send({ type: 'call_service', domain: 'light', service, target: { entity_id: entityId }, service_data: data });
    if (!r) return { ok: false, error: 'no answer from Home Assistant' };
    if (!r.success) return { ok: false, error: `Home Assistant refused the command (${(r.error?.message ?? 'error').slice(0, 120)})` };
    return { ok: true, value: undefined };
  }

  private onMessage(data: WebSocket.RawData): void {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    const type = (msg as { type?: unknown }).type;
    if (type === 'pong') {
      if ((msg as { id?: unknown }).id === this.pongWaiter) {
        this.pongWaiter = null;
        this.cancelPing?.();
        this.schedulePing();
      }
      return;
    }
    if (type === 'result') {
      const r = ResultMsg.safeParse(msg);
      if (!r.success) return;
      const p = this.pending.get(r.data.id);
      this.pending.delete(r.data.id);
      p?.(r.data);
      return;
    }
    if (type === 'event') {
      const e = EventMsg.safeParse(msg);
      const d = e.success ? e.data.event.data : undefined;
      if (!d) return;
      if (isState(d.new_state)) this.states.set(d.entity_id, d.new_state);
      else this.states.delete(d.entity_id);
      for (const l of [...this.changeListeners]) l(d.entity_id);
    }
  }
}

function isState(v: unknown): v is RawState {
  return typeof v === 'object' && v !== null && typeof (v as { entity_id?: unknown }).entity_id === 'string';
}
