/**
 * The browser host's message limit, apart from the contract so the server can start (and serve
 * the first screen) before the host's modules — the contract's schemas among them — are loaded.
 */

/**
 * The largest command message the browser host's WebSocket takes: a shared preset file of up to
 * 3 MiB (4 MiB as base64), with room for the JSON envelope and escaping. Loopback only.
 */
export const MAX_BROWSER_MESSAGE_BYTES = 8 * 1024 * 1024;
