/**
 * The panel's views, in the order of the navigation bar. Adding a view (e.g. Lights) is one
 * entry here and one case in `App.tsx`'s switch; the keys F4 then Shift+1… follow this order.
 */
import type { HostSnapshot } from '@host/contract';

export type ViewId = 'session' | 'record' | 'report' | 'presets' | 'library' | 'lights' | 'settings';

export interface ViewDef {
  id: ViewId;
  label: string;
  /** Whether the view has something to show now. */
  available(s: HostSnapshot | null): boolean;
}

const hasSession = (s: HostSnapshot | null): boolean => s?.session != null;

export const VIEWS: readonly ViewDef[] = [
  { id: 'session', label: 'Session', available: () => true },
  { id: 'record', label: 'Record', available: hasSession },
  { id: 'report', label: 'Report', available: hasSession },
  { id: 'presets', label: 'Presets', available: () => true },
  { id: 'library', label: 'Library', available: () => true },
  { id: 'lights', label: 'Lights', available: () => true },
  { id: 'settings', label: 'Settings', available: () => true },
];
