import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PresetError } from '../../../electron/core/preset';
import { CanonicalJsonError, canonicalJson } from '../../../electron/core/signing';
import { ImportError } from '../../../electron/services/sharing/errors';
import { presetFileText } from '../../../electron/services/sharing/export';
import { inspectPresetText } from '../../../electron/services/sharing/import';
import {
  fingerprint,
  generateClinicKey,
  loadClinicKey,
  parsePublicKeyFile,
  publicKeyFileText,
  saveClinicKey,
  TrustedKeys,
} from '../../../electron/services/sharing/keys';
import { signPreset } from '../../../electron/services/sharing/sign';
import { samplePreset, tempDir } from './helpers';

const clinicA = generateClinicKey('Clinic A');
const clinicB = generateClinicKey('Clinic B');

describe('canonical JSON', () => {
  it('sorts keys, drops whitespace and is independent of key order', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0, y: -0 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":0,"z":0}}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":1}'))).toBe('{"__proto__":{"x":1},"a":1}');
  });

  it('refuses values without a JSON form, naming where', () => {
    expect(() => canonicalJson({ a: [1, Number.NaN] })).toThrow(/a\[1\]: not a finite number/);
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(CanonicalJsonError);
  });

  it('property: parse(canonical(x)) deep-equals x, and canonical is stable under re-serialising', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const c = canonicalJson(v);
        expect(JSON.parse(c)).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(JSON.parse(JSON.stringify(v, null, 2)))).toBe(c);
      }),
      { numRuns: 500 },
    );
  });
});

describe('signed presets', () => {
  const preset = samplePreset();

  it('a trusted clinic’s signature reads "Signed by <clinic>" (under the name the therapist gave it)', () => {
    const text = presetFileText(preset, clinicA);
    const trusted = TrustedKeys.inMemory([{ clinic: 'Clinic A (Oslo)', publicKey: clinicA.publicKey }]);
    const r = inspectPresetText(text, 'a.stillroom.json', trusted);
    expect(r.provenance).toMatchObject({ status: 'trusted', clinic: 'Clinic A (Oslo)', claimedClinic: 'Clinic A' });
    expect(r.provenance.message).toBe('Signed by Clinic A (Oslo) (the file calls itself “Clinic A”)');
    expect(r.preset.name).toBe(preset.name);
    expect(r.preset.phases[0]?.playlist[1]?.asset).toBeUndefined();
  });

  it('an unknown key is a clear warning with the fingerprint, not a refusal', () => {
    const r = inspectPresetText(presetFileText(preset, clinicB), 'b.stillroom.json', TrustedKeys.inMemory());
    expect(r.provenance.status).toBe('unknown-key');
    expect(r.provenance.message).toContain(fingerprint(clinicB.publicKey));
    expect(r.provenance.message).toMatch(/not trusted.*“Clinic B”/);
  });

  it('an unsigned preset says so', () => {
    const r = inspectPresetText(presetFileText(preset), 'u.stillroom.json', TrustedKeys.inMemory());
    expect(r.provenance.status).toBe('unsigned');
  });

  it('one byte of content changed: refused as altered, naming the signer', () => {
    const text = presetFileText(preset, clinicA);
    const trusted = TrustedKeys.inMemory([{ clinic: 'Clinic A', publicKey: clinicA.publicKey }]);
    const at = text.indexOf('Gymnopédie No. 1') + 'Gymnopédie No. '.length;
    const altered = `${text.slice(0, at)}2${text.slice(at + 1)}`;
    expect(Buffer.byteLength(altered)).toBe(Buffer.byteLength(text));
    const err = (() => {
      try {
        inspectPresetText(altered, 'x.stillroom.json', trusted);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).kind).toBe('tampered');
    expect((err as ImportError).problems[0]).toMatch(
      /^signature: the content does not match its signature — it was changed after “Clinic A” signed it/,
    );
  });

  it('swapping in another clinic’s name or key is refused too', () => {
    const doc = JSON.parse(presetFileText(preset, clinicA));
    doc.signature.clinic = 'Clinic B';
    expect(() => inspectPresetText(JSON.stringify(doc), 'x', TrustedKeys.inMemory())).toThrow(/changed after “Clinic B” signed/);
    const doc2 = JSON.parse(presetFileText(preset, clinicA));
    doc2.signature.publicKey = clinicB.publicKey;
    expect(() => inspectPresetText(JSON.stringify(doc2), 'x', TrustedKeys.inMemory())).toThrow(/does not match its signature/);
  });

  it('property: flipping any single byte of a signed file never yields a signed preset with different content', () => {
    const text = presetFileText(preset, clinicA);
    const bytes = Buffer.from(text, 'utf8');
    const trusted = TrustedKeys.inMemory([{ clinic: 'Clinic A', publicKey: clinicA.publicKey }]);
    const original = canonicalJson(JSON.parse(text).preset);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (pos, xor) => {
        const mutated = Buffer.from(bytes);
        mutated[pos] = (mutated[pos] as number) ^ xor;
        try {
          const r = inspectPresetText(mutated.toString('utf8'), 'm', trusted);
          // Accepted only when the content is unchanged (e.g. whitespace between tokens).
          expect(r.provenance.status).toBe('trusted');
          expect(canonicalJson(JSON.parse(mutated.toString('utf8')).preset)).toBe(original);
        } catch (err) {
          expect(err).toBeInstanceOf(PresetError);
          expect((err as PresetError).problems.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('refuses a newer signed format with an upgrade message', () => {
    const doc = JSON.parse(presetFileText(preset, clinicA));
    doc.format = 'stillroom.signed-preset/2';
    expect(() => inspectPresetText(JSON.stringify(doc), 'x', TrustedKeys.inMemory())).toThrow(
      /newer than this version of Stillroom understands.*please update Stillroom/,
    );
  });

  it('a valid signature over an invalid preset is still refused by the schema, with paths', () => {
    const bad = { ...JSON.parse(presetFileText(preset)), phases: [] };
    const doc = JSON.parse(presetFileText(preset, clinicA));
    // Re-sign the invalid content with a real key: signing proves origin, not validity.
    const env = signPreset(bad, clinicA);
    expect(doc.format).toBe(env.format);
    expect(() => inspectPresetText(JSON.stringify(env), 'x', TrustedKeys.inMemory())).toThrow(/preset\.phases: /);
    const notObject = signPreset('not a preset', clinicA);
    expect(() => inspectPresetText(JSON.stringify(notObject), 'x', TrustedKeys.inMemory())).toThrow(
      /x: preset: must be a group of fields in \{ \}, not the text "not a preset"/,
    );
  });
});

describe('keys', () => {
  it('saves and loads the clinic key (owner-only file) and checks it belongs together', async () => {
    const dir = tempDir('keys');
    await saveClinicKey(dir, clinicA);
    const mode = statSync(join(dir, 'clinic-key.json')).mode & 0o777;
    if (process.platform !== 'win32') expect(mode).toBe(0o600);
    const loaded = await loadClinicKey(dir);
    expect(loaded?.publicKey).toBe(clinicA.publicKey);
    expect(loaded?.clinic).toBe('Clinic A');
    expect(await loadClinicKey(tempDir('nokey'))).toBeNull();
    const text = readFileSync(join(dir, 'clinic-key.json'), 'utf8');
    writeFileSync(join(dir, 'clinic-key.json'), text.replace(clinicA.publicKey, clinicB.publicKey));
    await expect(loadClinicKey(dir)).rejects.toThrow(/does not belong/);
  });

  it('exchanges public-key files and keeps a persistent trusted list', async () => {
    const file = publicKeyFileText(clinicB);
    expect(parsePublicKeyFile(file, 'b.stillroom-key.json')).toEqual({ clinic: 'Clinic B', publicKey: clinicB.publicKey });
    expect(() => parsePublicKeyFile('{"format":"stillroom.public-key/1","clinic":"X","publicKey":"short"}', 'bad.json')).toThrow(
      /bad\.json: publicKey/,
    );
    const dir = tempDir('trust');
    const store = await TrustedKeys.load(dir);
    await store.trust(clinicB.publicKey, 'Clinic B');
    const again = await TrustedKeys.load(dir);
    expect(again.find(clinicB.publicKey)?.fingerprint).toBe(fingerprint(clinicB.publicKey));
    expect(await again.revoke(clinicB.publicKey)).toBe(true);
    expect((await TrustedKeys.load(dir)).list()).toEqual([]);
  });
});
