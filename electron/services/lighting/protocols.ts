/**
 * The light protocols Stillroom speaks. Lives here (not in the host contract) so services never
 * import a value from `host/`; the contract re-exports it.
 */
export const LIGHT_PROTOCOLS = ['hue-v1', 'hue-v2', 'lifx', 'wiz', 'z2m', 'homeassistant'] as const;
export type LightProtocol = (typeof LIGHT_PROTOCOLS)[number];
