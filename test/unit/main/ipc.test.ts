/**
 * IPC and what a page may do: only Stillroom's own page gets commands, snapshots, the mini
 * panel and the file picker; permissions and navigation refuse everything else.
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../../electron/host/contract';
import { IPC } from '../../../electron/host/ipc';
import { pickerOptions, setupIpc, trustedSender } from '../../../electron/main/ipc';
import { EXTERNAL_ALLOWLIST, guardContents, opensExternally, setupNavigation } from '../../../electron/main/navigation';
import { checkAllowed, requestAllowed, setupPermissions } from '../../../electron/main/permissions';
import { WINDOW_IPC } from '../../../electron/preload/window-api';
import { FakeEvent, FakeIpcMain, FakeWebContents } from '../../fixtures/fake-electron';

const packaged = { packaged: true, devUrl: undefined };
const dev = { packaged: false, devUrl: 'http://localhost:5173/' };

describe('trustedSender', () => {
  it('trusts Stillroom’s own page only', () => {
    expect(trustedSender('stillroom://app/index.html', packaged)).toBe(true);
    expect(trustedSender('stillroom://app/index.html?mini=1', packaged)).toBe(true);
    for (const url of [
      undefined,
      null,
      '',
      'stillroom://apple/index.html',
      'stillroom://app',
      'https://example.com/',
      'file:///index.html',
      'about:blank',
    ]) {
      expect(trustedSender(url, packaged), String(url)).toBe(false);
    }
  });

  it('trusts the dev server only in an unpackaged run, and only its exact origin', () => {
    expect(trustedSender('http://localhost:5173/index.html', dev)).toBe(true);
    expect(trustedSender('http://localhost:5173/index.html', { ...dev, packaged: true })).toBe(false);
    expect(trustedSender('http://localhost:51730/', dev)).toBe(false);
    expect(trustedSender('http://localhost:5173.evil.example/', dev)).toBe(false);
  });
});

describe('setupIpc', () => {
  const ours = 'stillroom://app/index.html';
  function wired(host: { dispatch: (n: unknown, a: unknown) => Promise<unknown>; snapshot: () => unknown } | null = null) {
    const ipc = new FakeIpcMain();
    const log: string[] = [];
    setupIpc({
      ipcMain: ipc,
      isTrusted: (u) => trustedSender(u, packaged),
      host: () => host as never,
      toggleMini: () => log.push('toggle'),
      showOpenDialog: async (_sender, options) => {
        log.push(`dialog ${options.title}`);
        return { canceled: false, filePaths: ['/music/a'] };
      },
    });
    return { ipc, log };
  }

  it('runs commands and answers the snapshot for Stillroom’s page', async () => {
    const calls: unknown[] = [];
    const { ipc } = wired({
      dispatch: async (n, a) => {
        calls.push([n, a]);
        return { ok: true };
      },
      snapshot: () => ({ now: 1 }),
    });
    expect(await ipc.invoke(ours, IPC.command, 'addNote', { text: 'calm' })).toEqual({ ok: true });
    expect(calls).toEqual([['addNote', { text: 'calm' }]]);
    expect(await ipc.invoke(ours, IPC.ready)).toEqual({ now: 1 });
  });

  it('refuses a foreign or frameless sender everywhere, and does nothing for it', async () => {
    const calls: unknown[] = [];
    const { ipc, log } = wired({
      dispatch: async (n) => {
        calls.push(n);
        return { ok: true };
      },
      snapshot: () => ({ now: 1 }),
    });
    for (const from of ['https://example.com/', null]) {
      expect(await ipc.invoke(from, IPC.command, 'endSession', {})).toEqual({ ok: false, error: 'refused: untrusted sender' });
      expect(await ipc.invoke(from, IPC.ready)).toBeNull();
      expect(await ipc.invoke(from, WINDOW_IPC.choosePaths, 'music-folders')).toEqual([]);
      ipc.send(from, WINDOW_IPC.toggleMini);
    }
    expect(calls).toEqual([]);
    expect(log).toEqual([]);
  });

  it('tells Stillroom’s preload every command name, derived from the declarations, and a foreign page none', () => {
    const { ipc } = wired();
    expect(ipc.sendSync(ours, IPC.commands)).toEqual(COMMAND_NAMES);
    expect(COMMAND_NAMES).toContain('setSafeState');
    expect(ipc.sendSync('https://example.com/', IPC.commands)).toEqual([]);
  });

  it('says the host is still starting instead of failing', async () => {
    const { ipc } = wired(null);
    expect(await ipc.invoke(ours, IPC.command, 'addNote', {})).toMatchObject({ ok: false, error: expect.stringMatching(/still starting/) });
    expect(await ipc.invoke(ours, IPC.ready)).toBeNull();
  });

  it('shows the picker for the three known kinds only, and toggles the mini panel', async () => {
    const { ipc, log } = wired();
    expect(await ipc.invoke(ours, WINDOW_IPC.choosePaths, 'music-files')).toEqual(['/music/a']);
    expect(await ipc.invoke(ours, WINDOW_IPC.choosePaths, 'anything')).toEqual([]);
    ipc.send(ours, WINDOW_IPC.toggleMini);
    expect(log).toEqual(['dialog Add music files', 'toggle']);
    expect(pickerOptions('music-folders')?.properties).toEqual(['openDirectory', 'multiSelections']);
    expect(pickerOptions('playlist')?.filters?.[0]?.extensions).toContain('m3u');
    expect(pickerOptions('music-files')?.filters?.[0]?.extensions).toContain('mp4');
    expect(pickerOptions({ toString: () => 'playlist' })).toBeNull();
  });
});

describe('permissions', () => {
  it('grants Stillroom’s page full screen and output choice, and no media capture at all', () => {
    expect(requestAllowed('fullscreen', true)).toBe(true);
    expect(requestAllowed('speaker-selection', true)).toBe(true);
    for (const p of ['media', 'display-capture', 'geolocation', 'notifications', 'midi', 'openExternal', 'clipboard-read', 'unknown']) {
      expect(requestAllowed(p, true), p).toBe(false);
    }
    expect(requestAllowed('fullscreen', false)).toBe(false);
  });

  it('answers device-name checks for audio only, and only to Stillroom’s page', () => {
    expect(checkAllowed('media', true, 'audio')).toBe(true);
    expect(checkAllowed('media', true, 'video')).toBe(false);
    expect(checkAllowed('media', true, 'unknown')).toBe(false);
    expect(checkAllowed('media', false, 'audio')).toBe(false);
    expect(checkAllowed('fullscreen', true)).toBe(true);
    expect(checkAllowed('hid', true)).toBe(false);
  });

  it('wires both handlers on the session, refuses devices and turns spellcheck off', () => {
    type Req = (c: { getURL(): string }, p: string, cb: (g: boolean) => void) => void;
    type Chk = (c: { getURL(): string } | null, p: string, o: string, d: { mediaType?: string }) => boolean;
    let request: Req | null = null;
    let check: Chk | null = null;
    let device: (() => boolean) | null = null;
    let spell: boolean | null = null;
    setupPermissions(
      {
        setPermissionRequestHandler: (h) => (request = h),
        setPermissionCheckHandler: (h) => (check = h),
        setDevicePermissionHandler: (h) => (device = h),
        setSpellCheckerEnabled: (on) => (spell = on),
      },
      (u) => trustedSender(u, packaged),
    );
    const answers: boolean[] = [];
    const ours = new FakeWebContents('stillroom://app/index.html');
    const foreign = new FakeWebContents('https://example.com/');
    (request as unknown as Req)(ours, 'media', (g) => answers.push(g));
    (request as unknown as Req)(ours, 'fullscreen', (g) => answers.push(g));
    (request as unknown as Req)(foreign, 'fullscreen', (g) => answers.push(g));
    expect(answers).toEqual([false, true, false]);
    expect((check as unknown as Chk)(ours, 'media', 'stillroom://app', { mediaType: 'audio' })).toBe(true);
    expect((check as unknown as Chk)(null, 'media', '', { mediaType: 'audio' })).toBe(false);
    expect((device as unknown as () => boolean)()).toBe(false);
    expect(spell).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('opens no external address while the allowlist is empty, and only https origins on it', () => {
    expect(EXTERNAL_ALLOWLIST).toEqual([]);
    expect(opensExternally('https://example.com/help')).toBe(false);
    expect(opensExternally('https://help.example/x', ['https://help.example'])).toBe(true);
    expect(opensExternally('http://help.example/x', ['http://help.example'])).toBe(false);
    expect(opensExternally('not a url', ['https://help.example'])).toBe(false);
  });

  it('denies every window.open, keeps pages on Stillroom’s origin and refuses webviews', () => {
    const opened: string[] = [];
    let created: ((c: FakeWebContents) => void) | null = null;
    setupNavigation({
      onContentsCreated: (l) => (created = l as unknown as (c: FakeWebContents) => void),
      openExternal: async (u) => void opened.push(u),
      isTrusted: (u) => trustedSender(u, packaged),
    });
    const contents = new FakeWebContents('stillroom://app/index.html');
    (created as unknown as (c: FakeWebContents) => void)(contents);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'stillroom://app/index.html' })).toEqual({ action: 'deny' });
    expect(opened).toEqual([]);
    for (const [event, url, blocked] of [
      ['will-navigate', 'https://example.com/', true],
      ['will-redirect', 'http://127.0.0.1:8080/', true],
      ['will-navigate', 'stillroom://app/index.html?mini=1', false],
    ] as const) {
      const e = new FakeEvent();
      contents.emit(event, e, url);
      expect(e.defaultPrevented, `${event} ${url}`).toBe(blocked);
    }
    const webview = new FakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });

  it('hands an allowlisted https link to the system browser (and still opens no window)', () => {
    const opened: string[] = [];
    const contents = new FakeWebContents();
    guardContents(contents, {
      onContentsCreated: () => {},
      openExternal: async (u) => void opened.push(u),
      isTrusted: () => false,
      allowlist: ['https://help.example'],
    });
    expect(contents.windowOpenHandler?.({ url: 'https://help.example/page' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://help.example/page']);
  });
});
