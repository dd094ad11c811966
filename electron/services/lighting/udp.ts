/**
 * The one way LIFX and WiZ open their UDP socket: bound to an ephemeral port (on
 * `bindAddress`, tests: 127.0.0.1), broadcast allowed only when a discovery target is a
 * broadcast address, socket errors after the bind kept from crashing the process. Never rejects.
 */
import dgram from 'node:dgram';
import type { LightDriver, Result } from './driver';
import type { LinkAdapter, LinkSession } from './link';

export interface UdpTarget {
  address: string;
  port: number;
}

/** Opens a UDP socket for `label` ("LIFX", "WiZ"); the error names the protocol and the OS code only. */
export function openUdpSocket(
  label: string,
  bindAddress: string | undefined,
  targets: readonly UdpTarget[],
): Promise<Result<dgram.Socket>> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, error: `cannot open the ${label} socket (${err.code ?? 'error'})` }),
    );
    socket.bind(0, bindAddress, () => {
      if (targets.some((t) => t.address.endsWith('.255'))) socket.setBroadcast(true);
      socket.removeAllListeners('error');
      socket.on('error', () => {}); // a late ICMP error on one send must not take the app down
      resolve({ ok: true, value: socket });
    });
  });
}

/** What a UDP bulb protocol offers its link adapter: one light per address, read by a state read. */
export interface UdpBulbNetwork<L, A> {
  light(dev: A): Result<L>;
}

/** The send error a UDP bulb driver gives when nothing answered after its re-sends. */
const NO_ANSWER = 'no answer from the bulb';

/**
 * One LIFX or WiZ bulb's link adapter: the bulb is "connected" once it answers a state read; a
 * command that gets no answer at all (after the re-sends) counts as the bulb lost. The UDP
 * socket is shared by every bulb of the protocol.
 */
export function udpBulbAdapter<
  L extends LightDriver & { readState(): Promise<Result<unknown>> },
  A extends { name?: string; address: string },
>(brand: string, net: () => Promise<Result<UdpBulbNetwork<L, A>>>, dev: A): LinkAdapter<L> {
  return {
    what: `the ${brand} bulb ${dev.name ? `“${dev.name}” ` : ''}at ${dev.address}`,
    async open() {
      const n = await net();
      if (!n.ok) return { ok: false, fault: { kind: 'not-recognised', detail: n.error } };
      const light = n.value.light(dev);
      if (!light.ok) return { ok: false, fault: { kind: 'not-recognised', detail: light.error } };
      const r = await light.value.readState();
      if (!r.ok) return { ok: false, fault: { kind: 'not-answering' } };
      let open = true;
      const session: LinkSession<L> = {
        api: light.value,
        lights: [light.value],
        alive: () => open,
        isTransportFailure: (e) => e.startsWith(NO_ANSWER),
        check: async () => {
          const s = await light.value.readState();
          return s.ok || !s.error.startsWith(NO_ANSWER);
        },
        close: () => {
          open = false;
        },
      };
      return { ok: true, value: session };
    },
  };
}
