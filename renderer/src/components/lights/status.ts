/** The quiet status of the room's real lights (the lights view and the live panel). */
export function lightsStatusText(summary: { inRoom: number; notAnswering: number } | undefined): string | null {
  if (!summary || summary.inRoom === 0) return null;
  if (summary.notAnswering === 0) return `Lights: ${summary.inRoom} of ${summary.inRoom} answering`;
  return `Lights: ${summary.notAnswering} of ${summary.inRoom} not answering`;
}
