/**
 * Timers on the audio clock. A silent `ConstantSourceNode` stopped at a context time fires its
 * `ended` event once the audio thread has rendered up to that time, so a start or the end of a
 * rate nudge is timed by the same clock the fade curves run on — never by a wall-clock timer
 * that a busy page fires late and that knows nothing of the audio clock. (A suspended context
 * fires nothing: the engine's own tick stays the fallback for every start.)
 */

/** Calls `fn` once the audio clock reaches `atCtx` (s). Returns a cancel function. */
export function alarmAt(ctx: BaseAudioContext, sink: AudioNode, atCtx: number, fn: () => void): () => void {
  const src = ctx.createConstantSource();
  src.offset.value = 0; // adds nothing to what `sink` carries; connected only so the node is rendered
  src.connect(sink);
  let live = true;
  const finish = (): void => {
    src.onended = null;
    src.disconnect();
  };
  src.onended = () => {
    finish();
    if (!live) return;
    live = false;
    fn();
  };
  src.start();
  src.stop(Math.max(atCtx, ctx.currentTime));
  return () => {
    if (!live) return;
    live = false;
    try {
      src.stop();
    } catch {
      // Already stopped.
    }
    finish();
  };
}
