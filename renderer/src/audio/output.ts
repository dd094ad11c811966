/**
 * Moves the music to the output the therapist chose (speakers, the client's headphones), and
 * away from it when it disappears: the master's route stage dips, the AudioContext moves with
 * `setSinkId`, and the music comes back up with a fade. A vanished device means the default
 * output until it is connected again; the panel says so quietly (`AudioStatus.notice`).
 *
 * Measured in Chromium on PulseAudio: when the sink goes, Pulse moves the stream to the
 * default at once, and Chromium notices on its own only seconds later — then reports an
 * `error` on the context and *suspends* it (dead air). Listing the devices four times a second
 * while a device is chosen makes Chromium notice quickly; an `error` on the context is handled
 * the same way, and the context is resumed on the default output. The system's own move can't be
 * foreseen, so a short stretch at full level on the default output remains (see WATCH_MS).
 */
import {
  canChooseOutput,
  chooseSink,
  currentSinkId,
  listOutputs,
  movedNotice,
  type OutputDevice,
  setSink,
  type WantedOutput,
} from './devices';
import { ROUTE_DOWN_MS, ROUTE_UP_MS, type Stage } from './master';
import { registerOutputRefresher, setAudioStatus } from './status';

/** Arriving on another output after the chosen one vanished: a gentler rise than a deliberate switch. */
export const ROUTE_RESCUE_UP_MS = 3000;

/**
 * While a particular device is chosen, it is looked for this often. Measured on PulseAudio (the
 * output e2e test, 100 ms windows): Chromium's own `devicechange` comes too late to matter; with a
 * 1 s watch the music played at full level on the default output for 0.2–0.5 s after an unplug,
 * with 250 ms for 0.1–0.2 s. (A quicker dip than ROUTE_DOWN_MS did not shorten it, and sometimes
 * left the music 10 dB down on the default output instead of silent during the switch.)
 */
const WATCH_MS = 250;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class OutputRouter {
  private wanted: WantedOutput = { deviceId: '', label: '' };
  private devices: OutputDevice[] | null = null;
  private busy = false;
  private again = false;
  private disposed = false;
  /** Runs only while a particular output is chosen: on the default output the page has nothing to watch. */
  private watch: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly ctx: AudioContext,
    private readonly route: Stage,
    private readonly now: () => number,
    /** True while something is audible (a switch then fades; otherwise it is instant). */
    private readonly sounding: () => boolean,
    /** Reads the audio clock into the engine's mapping now (a move may stop or restart the clock). */
    private readonly resyncClock: () => void = () => undefined,
  ) {
    setAudioStatus({ canChoose: canChooseOutput(ctx), sinkId: currentSinkId(ctx) });
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
    ctx.addEventListener('error', this.onDeviceChange);
    registerOutputRefresher(() => this.refreshDevices().then(() => this.apply()));
    void this.refreshDevices().then(() => this.apply());
  }

  /** The host's remembered choice (from each snapshot). */
  want(w: WantedOutput): void {
    if (w.deviceId === this.wanted.deviceId && w.label === this.wanted.label) return;
    this.wanted = { deviceId: w.deviceId, label: w.label };
    this.watchWhileChosen();
    void this.apply();
  }

  private watchWhileChosen(): void {
    const chosen = this.wanted.deviceId !== '' && !this.disposed;
    if (chosen && this.watch === null) {
      this.watch = setInterval(() => {
        if (!this.busy) this.onDeviceChange();
      }, WATCH_MS);
    } else if (!chosen && this.watch !== null) {
      clearInterval(this.watch);
      this.watch = null;
    }
  }

  /** Lists the outputs again (the picker asks after the browser allowed device names). */
  async refreshDevices(): Promise<void> {
    const { devices, hidden } = await listOutputs();
    // Hidden outputs can't be checked for: trust the remembered id rather than "move" away from it.
    this.devices = hidden && devices.length === 0 ? null : devices;
    setAudioStatus({ devices, namesHidden: hidden });
  }

  private readonly onDeviceChange = (): void => {
    void this.refreshDevices().then(() => this.apply());
  };

  /** Brings the context to where the music should play; one move at a time, the latest wish wins. */
  private async apply(): Promise<void> {
    if (!canChooseOutput(this.ctx)) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      do {
        this.again = false;
        await this.moveOnce();
      } while (this.again && !this.disposed);
    } finally {
      this.busy = false;
    }
  }

  private async moveOnce(): Promise<void> {
    const choice = chooseSink(this.wanted, this.devices);
    let notice = choice.reason === 'missing' ? movedNotice(this.wanted) : null;
    if (choice.deviceId !== currentSinkId(this.ctx)) {
      const rescue = choice.reason === 'missing';
      const audible = this.sounding();
      if (audible && this.ctx.state === 'running') {
        // Dip before the switch (the system may already have moved the sound to the default).
        this.route.moveTo(0, this.now(), ROUTE_DOWN_MS);
        await sleep(ROUTE_DOWN_MS + 50);
      } else if (audible) {
        // Suspended by the lost device: its clock stands still, so silence the route outright.
        this.route.moveTo(0, this.now(), 0, true);
      }
      // Silent from the clock's own now: if the lost device stalled the clock, the dip never sounded.
      if (audible) this.route.holdNow(0, this.now());
      try {
        await setSink(this.ctx, choice.deviceId);
      } catch (err) {
        console.warn('audio: could not move to the chosen output', err);
        notice = `${this.wanted.label || 'The chosen output'} could not be used: music plays on the default output.`;
        await setSink(this.ctx, '').catch(() => undefined);
      }
      // A context that lost its device is suspended by Chromium (its clock, and any dip, stood
      // still): start it again where it now plays, from silence.
      if (this.ctx.state === 'suspended') await this.ctx.resume().catch(() => undefined);
      // The clock may have stood still during the move: map it afresh before laying the rise on
      // it, or the rise starts late and the level from before the dip sounds in between.
      this.resyncClock();
      if (audible) {
        this.route.moveTo(0, this.now(), 0, true);
        this.route.moveTo(1, this.now(), rescue ? ROUTE_RESCUE_UP_MS : ROUTE_UP_MS);
      } else {
        this.route.moveTo(1, this.now(), 0, true);
      }
    } else if (this.ctx.state === 'suspended' && choice.reason === 'missing') {
      await this.ctx.resume().catch(() => undefined);
    }
    setAudioStatus({ sinkId: currentSinkId(this.ctx), notice });
  }

  dispose(): void {
    this.disposed = true;
    this.watchWhileChosen();
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    this.ctx.removeEventListener('error', this.onDeviceChange);
    registerOutputRefresher(null);
  }
}
