/** A quiet message that clears itself after a while (a pulse or pairing note must not linger as stale news). */
import { useEffect, useState } from 'react';

export function useTransient(ms = 15_000): [string | null, (text: string | null) => void] {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    if (text === null) return;
    const t = setTimeout(() => setText(null), ms);
    return () => clearTimeout(t);
  }, [text, ms]);
  return [text, setText];
}
