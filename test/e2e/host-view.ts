/**
 * The host's own view for tests and benchmarks: a client of the browser host's WebSocket
 * bridge (the same one the page uses) that keeps the latest snapshot and can send commands.
 */
import WebSocket from 'ws';
import { applyHostMessage, type CommandResult, type HostSnapshot, type ServerMessage } from '../../electron/host/contract';

export class HostView {
  last: HostSnapshot | null = null;
  private readonly ws: WebSocket;
  private nextId = 1;
  private readonly replies = new Map<number, (r: CommandResult) => void>();

  /** `url`: the address the host printed, secret included (`http://127.0.0.1:PORT/?token=…`). */
  constructor(url: string) {
    const printed = new URL(url);
    const token = printed.searchParams.get('token') ?? '';
    this.ws = new WebSocket(`ws://${printed.host}/bridge?token=${encodeURIComponent(token)}`);
    this.ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      if (m.kind === 'reply') this.replies.get(m.id)?.(m.result);
      // Whole snapshots and patches of one part, merged as the page merges them.
      else this.last = applyHostMessage(this.last, m) ?? this.last;
    });
  }

  /** Resolves with the first snapshot (or rejects after `ms`). */
  async ready(ms = 5000): Promise<HostSnapshot> {
    const t0 = Date.now();
    while (!this.last) {
      if (Date.now() - t0 > ms) throw new Error('the host sent no snapshot');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.last;
  }

  send(command: string, args: unknown = {}): Promise<CommandResult> {
    const id = this.nextId++;
    return new Promise((ok) => {
      this.replies.set(id, ok);
      const go = () => this.ws.send(JSON.stringify({ id, command, args }));
      if (this.ws.readyState === WebSocket.OPEN) go();
      else this.ws.once('open', go);
    });
  }

  close(): void {
    this.ws.close();
  }
}
