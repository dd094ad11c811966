import type { StillroomApi } from '@host/contract';

/** Whether the panel is talking to the host. Electron's IPC is always 'open'. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The API plus what only the panel needs to know about the link (shown quietly when it drops). */
export interface Bridge {
  api: StillroomApi;
  connection(): ConnectionState;
  onConnection(listener: (c: ConnectionState) => void): () => void;
  close(): void;
}
