// Types for launch-policy.mjs (plain JavaScript so `npm start` runs before any build).

export declare const RESTART_POLICY: Readonly<{ max: number; windowMs: number; delaysMs: readonly number[] }>;
export declare const LAUNCH_WINDOW_MS: number;

export declare function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number;

export interface HostExitState {
  stopping: boolean;
  everReady: boolean;
  port: number | null;
  restarts: number[];
  now: number;
}
export type HostExitDecision =
  | { action: 'stop'; exitCode: number; message: string | null }
  | { action: 'restart'; delayMs: number; attempt: number; message: string };
export declare function afterHostExit(
  exit: { code: number | null; signal: NodeJS.Signals | null },
  state: HostExitState,
  policy?: typeof RESTART_POLICY,
): HostExitDecision;

export declare function restartArgs(args: readonly string[], port: number): string[];

export declare function afterDesktopExit(
  exit: { code: number | null; signal: NodeJS.Signals | null; uptimeMs: number; output?: string },
  launchWindowMs?: number,
): { fallback: boolean; exitCode: number; message: string | null };
