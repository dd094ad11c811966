/**
 * What a page may ask of the default session. Stillroom's page needs only to go full screen
 * and to choose the music's output device; it never records sound or video, so no media
 * capture is granted at all. Output device *names* come from permission checks (Chromium names
 * outputs only for a page whose microphone check passes; the check grants no stream), so the
 * output list shows "Headphones", not "Output 2". Every other request (camera, location,
 * notifications, MIDI, HID/serial/USB devices…) is refused, and so is anything from a page that
 * is not Stillroom's own. Spellcheck is off: Electron would fetch dictionaries from the network
 * on Windows and Linux, and Stillroom promises no traffic but to paired lights.
 */

/** Permission requests granted to Stillroom's own page; everything else is refused. */
export const GRANTED_REQUESTS: readonly string[] = ['fullscreen', 'speaker-selection'];

/** Decides a permission *request* (a prompt in a browser). */
export function requestAllowed(permission: string, ours: boolean): boolean {
  return ours && GRANTED_REQUESTS.includes(permission);
}

/** Decides a permission *check* (a silent query: may this page know device names, is full screen allowed). */
export function checkAllowed(permission: string, ours: boolean, mediaType?: string): boolean {
  if (!ours) return false;
  if (permission === 'fullscreen') return true;
  // Names of audio devices only; a check never starts a capture (that would be a request).
  return permission === 'media' && mediaType === 'audio';
}

/** Electron's `session`, the part used here. */
export interface SessionApi {
  setPermissionRequestHandler(
    handler: (contents: { getURL(): string }, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (contents: { getURL(): string } | null, permission: string, origin: string, details: { mediaType?: string }) => boolean,
  ): void;
  setDevicePermissionHandler(handler: () => boolean): void;
  setSpellCheckerEnabled(enable: boolean): void;
}

export function setupPermissions(session: SessionApi, isTrusted: (url: string | undefined | null) => boolean): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    callback(requestAllowed(permission, isTrusted(contents.getURL())));
  });
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    checkAllowed(permission, isTrusted(contents?.getURL()), details.mediaType),
  );
  session.setDevicePermissionHandler(() => false);
  session.setSpellCheckerEnabled(false);
}
