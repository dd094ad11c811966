/**
 * Safe state from the panel, with or without the host (issue 12.3). Pressing it lowers the
 * music here at once (the audio engine's safe stage, through the store's `localSafe`), shows
 * it as on, and hands the command to the offline queue, which delivers it — with the time it
 * was pressed — when the host answers; the light follows then. Leaving safe state needs a host
 * that answers: while it does not, the press is refused with a plain message and the room
 * stays safe.
 */
import { api, getBridge } from '../bridge';
import { hostNow, type Store, useStore } from '../stores';
import { SafeQueue } from './safeQueue';
import { showStatus } from './status';

let queue: SafeQueue | null = null;
/** Delivered; `localSafe` is let go once a snapshot shows the host's safe state on. */
let awaitingConfirm = false;

function safeQueue(): SafeQueue {
  if (!queue) {
    queue = new SafeQueue({
      send: (args) => api().setSafeState(args),
      linkOpen: () => getBridge().connection() === 'open',
      now: () => performance.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      onDelivered: () => {
        awaitingConfirm = true;
        onHostChange();
      },
      onRefused: (error) => {
        useStore.getState().setLocalSafe(null);
        showStatus('refused', 'safe', `Safe state: ${error}`);
      },
    });
  }
  return queue;
}

/** Safe state as the panel shows it: the host's, or a press the host has not confirmed yet. */
export function safeShownOn(st: Pick<Store, 'snapshot' | 'localSafe'>): boolean {
  return st.localSafe !== null || st.snapshot?.session?.safe.on === true;
}

/** HostLink calls this on every link change and snapshot: deliver when the link is back, let go once confirmed. */
export function onHostChange(): void {
  const st = useStore.getState();
  if (st.connection === 'open') queue?.linkUp();
  if (st.localSafe === null) return;
  const session = st.snapshot?.session;
  if (awaitingConfirm && queue?.pending == null && (session?.safe.on === true || session?.status !== 'running')) {
    awaitingConfirm = false;
    st.setLocalSafe(null);
  }
}

/** Safe state on: the music part at once, here; the command as soon as the host answers. False when it was already on. */
export function pressSafeOn(): boolean {
  const st = useStore.getState();
  if (st.snapshot?.session?.status !== 'running') return false;
  if (st.snapshot.session.safe.on && st.localSafe === null) return false;
  const at = hostNow();
  if (st.localSafe === null) st.setLocalSafe(at);
  awaitingConfirm = false;
  safeQueue().press(at);
  return true;
}

/** Safe state off: only through a host that answers now; otherwise refused, and the room stays safe. */
export async function pressSafeOff(
  run: (send: () => ReturnType<ReturnType<typeof api>['setSafeState']>) => Promise<boolean>,
): Promise<void> {
  if (!safeQueue().answering()) {
    showStatus(
      'refused',
      'safe',
      'Stillroom is not answering, so safe state stays on — the room stays safe. Leave it once the panel is connected again.',
    );
    return;
  }
  useStore.getState().setLocalSafe(null);
  awaitingConfirm = false;
  await run(() => api().setSafeState({ on: false }));
}
