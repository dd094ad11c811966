/**
 * The music library: the folders Stillroom reads music from (added by path, scanned in the
 * background with a quiet progress line), and a search over every track with its duration,
 * loudness and whether the file is still there.
 */
import { AppHeader } from '../components/AppHeader';
import { LibraryFolders } from '../components/library/LibraryFolders';
import { LibrarySearch } from '../components/library/LibrarySearch';
import { useStore } from '../stores';
import '../styles/library.css';

export function LibraryView() {
  const library = useStore((s) => s.snapshot?.library);
  return (
    <div className="view library-view">
      <AppHeader />
      <main className="library-main" aria-label="Library">
        <h1 className="view-title">Library</h1>
        <p className="quiet small">Music files on this computer. Stillroom references them where they are and never copies them.</p>
        <LibraryFolders library={library} />
        <LibrarySearch revision={library?.revision ?? 0} />
      </main>
    </div>
  );
}
