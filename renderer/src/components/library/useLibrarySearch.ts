/**
 * Searching the library as the person types, shared by the Library view's table and the
 * preset editor's track picker: the host is asked 150 ms after the last keystroke (at once
 * for an empty query), only the answer to the latest question is kept, and a refusal comes
 * back as a sentence to show in place.
 */

import type { LibraryTrackSummary } from '@host/library/contract';
import { useEffect, useRef, useState } from 'react';
import { api } from '../../bridge';
import { settle } from '../../lib/command';

const TYPING_MS = 150;

export interface LibraryHits {
  tracks: LibraryTrackSummary[];
  total: number;
}

export function useLibrarySearch({
  query,
  limit,
  revision = 0,
  whenEmpty,
}: {
  query: string;
  limit: number;
  /** A change re-runs the search (the library changed: a scan finished). */
  revision?: number;
  /** An empty query lists the whole library, or asks nothing (no hits shown). */
  whenEmpty: 'everything' | 'nothing';
}): { hits: LibraryHits | null; error: string | null } {
  const [hits, setHits] = useState<LibraryHits | null>(null);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `revision` re-runs the search when the library changed.
  useEffect(() => {
    const ticket = ++asked.current;
    if (whenEmpty === 'nothing' && !query.trim()) {
      setHits(null);
      return;
    }
    const timer = setTimeout(
      () => {
        void settle(() => api().searchLibrary({ query, limit })).then((r) => {
          if (ticket !== asked.current) return;
          if (r.ok) {
            setHits(r.data ?? { tracks: [], total: 0 });
            setError(null);
          } else setError(`The search did not run: ${r.error}`);
        });
      },
      query ? TYPING_MS : 0,
    );
    return () => clearTimeout(timer);
  }, [query, limit, revision, whenEmpty]);

  return { hits, error };
}
