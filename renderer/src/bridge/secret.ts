/**
 * The browser host's secret on the page side. The address the terminal prints carries it
 * (`?token=…`, as Jupyter's); the page takes it once, keeps it in sessionStorage for this
 * tab's session (reloads and host restarts reconnect with it; another origin cannot read it),
 * and removes it from the visible address so it is not shown, bookmarked or shared by accident.
 * DOM-free (the page's objects are passed in), so it is tested in Node.
 */

const STORAGE_KEY = 'stillroom.secret';

/** What `takeSecret` needs from the page (the real `location`, `history`, `sessionStorage` in the app; fakes in tests). */
export interface SecretPage {
  location: { href: string };
  history: { replaceState(data: unknown, unused: string, url: string): void; state: unknown };
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void } | null;
}

/** The secret for this page: from the address (then stored and stripped from it), else the one stored earlier, else ''. */
export function takeSecret(page: SecretPage): string {
  const url = new URL(page.location.href);
  const fromAddress = url.searchParams.get('token');
  if (fromAddress === null) return safeGet(page) ?? '';
  try {
    page.storage?.setItem(STORAGE_KEY, fromAddress);
  } catch {
    // Storage refused (a private window with storage off): the secret still serves this page load.
  }
  url.searchParams.delete('token');
  page.history.replaceState(page.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return fromAddress;
}

function safeGet(page: SecretPage): string | null {
  try {
    return page.storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** The bridge's address for a page served by the browser host. */
export function bridgeUrl(host: string, secret: string): string {
  return `ws://${host}/bridge?token=${encodeURIComponent(secret)}`;
}
