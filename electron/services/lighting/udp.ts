/**
 * The one way LIFX and WiZ open their UDP socket: bound to an ephemeral port (on
 * `bindAddress`, tests: 127.0.0.1), broadcast allowed only when a discovery target is a
 * broadcast address, socket errors after the bind kept from crashing the process. Never rejects.
 */
import dgram from 'node:dgram';
import type { Result } from './driver';

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
