/** The slim bar on every view: name, the link, the music and the room's light; the views beneath. */
import { ConnectionLine } from './ConnectionLine';
import { MusicIndicator } from './MusicIndicator';
import { ViewNav } from './ViewNav';
import { VirtualLamp } from './VirtualLamp';

export function AppHeader({ context }: { context?: string }) {
  return (
    <header className="app-header">
      <div className="brand">
        <span className="brand-name">Stillroom</span>
        {context ? <span className="brand-context">{context}</span> : null}
      </div>
      <ConnectionLine />
      <div className="header-status">
        <MusicIndicator />
        <VirtualLamp />
      </div>
      <ViewNav />
    </header>
  );
}
