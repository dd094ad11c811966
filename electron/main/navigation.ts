/**
 * Navigation and new windows, for every web contents the app creates: a page may never leave
 * Stillroom's own origin, open a window, or attach a <webview>. Stillroom has no external links
 * today; a URL is handed to the system browser only when its origin is on `EXTERNAL_ALLOWLIST`
 * (empty), so nothing a page shows can send the therapist's machine to the network.
 */

/** Origins the system browser may be asked to open (e.g. 'https://stillroom.example'). None today. */
export const EXTERNAL_ALLOWLIST: readonly string[] = [];

/** True when `url` may be opened in the system browser: https only, its origin on the allowlist. */
export function opensExternally(url: string, allowlist: readonly string[] = EXTERNAL_ALLOWLIST): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && allowlist.includes(u.origin);
  } catch {
    return false;
  }
}

/** A preventable Electron event. */
export interface Preventable {
  preventDefault(): void;
}

/** A web contents, the part used here. */
export interface ContentsApi {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: Preventable, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: Preventable) => void): unknown;
}

/** Electron's `app` and `shell`, the parts used here. */
export interface NavigationDeps {
  onContentsCreated(listener: (contents: ContentsApi) => void): void;
  openExternal(url: string): Promise<void>;
  isTrusted(url: string): boolean;
  allowlist?: readonly string[];
}

/** Wires the rules on one web contents (exported for tests). */
export function guardContents(contents: ContentsApi, deps: NavigationDeps): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (opensExternally(url, deps.allowlist)) void deps.openExternal(url);
    return { action: 'deny' };
  });
  const stay = (event: Preventable, url: string) => {
    if (!deps.isTrusted(url)) event.preventDefault();
  };
  contents.on('will-navigate', stay);
  contents.on('will-redirect', stay);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function setupNavigation(deps: NavigationDeps): void {
  deps.onContentsCreated((contents) => guardContents(contents, deps));
}
