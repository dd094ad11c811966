/** Says quietly when the panel has lost the host; music keeps playing from the last plan meanwhile. */
import { useStore } from '../stores';

export function ConnectionLine() {
  const connection = useStore((s) => s.connection);
  const hasSnapshot = useStore((s) => s.snapshot !== null);
  let text = '';
  if (connection !== 'open' && hasSnapshot) text = 'Connection to Stillroom lost — reconnecting… Music continues as planned.';
  else if (!hasSnapshot) text = connection === 'closed' ? 'Waiting for Stillroom to answer…' : 'Connecting to Stillroom…';
  return (
    <p className="connection" role="status" aria-live="polite">
      {text}
    </p>
  );
}
