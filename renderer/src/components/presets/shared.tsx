/** Reading a file the person chose (a preset, a bundle, a key), for the presets view. */

/** Reads a file the person chose, as text or base64, refusing files over `maxBytes` with a sentence. */
export async function readChosenFile(
  file: File,
  maxBytes: number,
): Promise<{ ok: true; name: string; text?: string; base64?: string } | { ok: false; error: string }> {
  if (file.size > maxBytes) {
    return {
      ok: false,
      error: `${file.name} is ${Math.ceil(file.size / 1024)} KB, more than the ${Math.floor(maxBytes / 1024)} KB that can be sent from here; type its path on this computer instead.`,
    };
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (!isZip) return { ok: true, name: file.name, text: new TextDecoder().decode(bytes) };
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { ok: true, name: file.name, base64: btoa(bin) };
}
