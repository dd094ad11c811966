/**
 * Sign and lock (issue 13.2) and the FHIR export (13.4), through the host as the panel drives
 * it: Sign record is refused, naming each missing item, until the record is complete; once
 * signed nothing in the record changes except by addenda (own time and author); the report
 * shows the signature and addenda; the FHIR R4 bundle of a signed session validates against
 * the HL7 R4 JSON schema, carries the right LOINC codes and nothing about the client beyond
 * the alias. Refusals leave the journal untouched.
 */
import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FhirBundle, FhirResource } from '../../../electron/core/fhir';
import type { StillroomHost } from '../../../electron/host/host';
import { fhirProblems } from '../../fixtures/fhir-validate';
import { twoPhasePreset } from '../../fixtures/host-preset';
import { HostRig } from '../../fixtures/host-rig';

const reminders = [
  { id: 'bp-before', label: 'Blood pressure before dosing', anchor: 'session', offsetMin: 0.5, kind: 'vitals', beforeDose: true },
  { id: 'vitals-2', label: 'Vitals after the dose', anchor: 'dose', offsetMin: 2, kind: 'vitals' },
];
let rig: HostRig;
const openHost = () => rig.open();
const journalLines = () => rig.journalLines();

beforeEach(() => {
  rig = new HostRig('sign', { presets: { test: twoPhasePreset({ reminders }) } });
});

afterEach(() => rig.dispose());

const vitals = (systolic: number) => ({ values: { systolic, diastolic: 80, heartRate: 72, spo2: 97 } });

/** A session run to its end; `complete` fills in everything signing asks for. */
async function lived(host: StillroomHost, complete: boolean): Promise<void> {
  await host.dispatch('startSession', { presetId: 'test', clientAlias: 'Ελένη' });
  rig.now += 10_000;
  if (complete) await host.dispatch('recordVitals', vitals(124));
  rig.now += 20_000;
  await host.dispatch(
    'recordDose',
    complete ? { details: { medicine: 'Ketamine', amount: 100, unit: 'mg', route: 'sublingual', lot: 'K-17' } } : {},
  );
  rig.now += 120_000;
  await host.dispatch('recordVitals', vitals(complete ? 168 : 120));
  await host.dispatch('addNote', { text: 'Privately: family history', private: true });
  rig.now += 60_000;
  await host.dispatch('recordAdverseEvent', { description: 'Nausea', severity: 'mild', action: 'Offered water' });
  rig.now += 60_000;
  await host.dispatch('endSession', {});
  if (complete) await host.dispatch('recordDischarge', { ready: true, accompaniedBy: 'Partner' });
}

describe('Sign record', () => {
  it('is refused while items are missing, naming each, and the journal is untouched', async () => {
    const host = await openHost();
    await lived(host, false);
    const before = journalLines();
    const r = await host.dispatch('signRecord', {});
    expect(r.ok).toBe(false);
    const error = r.ok ? '' : r.error;
    expect(error).toMatch(/^The record cannot be signed yet\. Missing: /);
    expect(error).toContain('the clinician’s name');
    expect(error).toContain('dose details: medicine, amount, unit, route');
    expect(error).toContain('vitals “Blood pressure before dosing” (before the dose)');
    expect(error).toContain('the discharge');
    expect(error).not.toContain('Vitals after the dose');
    expect(journalLines()).toEqual(before);
  });

  it('is refused while the session runs', async () => {
    const host = await openHost();
    await host.dispatch('setClinician', { name: 'Dr Ana Ruiz', credentials: 'MD' });
    await host.dispatch('startSession', { presetId: 'test' });
    const r = await host.dispatch('signRecord', {});
    expect(!r.ok && r.error).toContain('the end of the session');
  });

  it('signs a complete record, then locks it: changes are refused, addenda carry their own time and author', async () => {
    const host = await openHost();
    // The report's times follow the clock setting; 'auto' would follow this machine's locale.
    await host.dispatch('setPanelPrefs', { clockFormat: '24h' });
    await lived(host, true);
    expect((await host.dispatch('setClinician', { name: 'Dr Ana Ruiz', credentials: 'MD, licence 4411' })).ok).toBe(true);
    expect(host.snapshot().prefs.clinician).toEqual({ name: 'Dr Ana Ruiz', credentials: 'MD, licence 4411' });
    rig.now += 30_000;
    const signedAt = rig.now;
    expect(await host.dispatch('signRecord', {})).toEqual({ ok: true });
    expect(host.snapshot().session?.record.signature).toEqual({ at: signedAt, name: 'Dr Ana Ruiz', credentials: 'MD, licence 4411' });
    expect(JSON.parse(journalLines().at(-1) as string)).toMatchObject({ type: 'RecordSigned', name: 'Dr Ana Ruiz' });

    const before = journalLines();
    for (const [name, args] of [
      ['recordVitals', vitals(130)],
      ['recordDischarge', { ready: false }],
      ['correctDose', { doseId: 'dose-1', details: { amount: 50 } }],
      ['signRecord', {}],
    ] as const) {
      const r = await host.dispatch(name, args);
      expect(r.ok, name).toBe(false);
      expect(!r.ok && r.error, name).toMatch(/signed/);
    }
    expect(journalLines()).toEqual(before);

    rig.now += 3_600_000;
    await host.dispatch('setClinician', { name: 'Sam Lee', credentials: 'RN' });
    expect((await host.dispatch('addAddendum', { text: 'Phoned the next day: slept well.' })).ok).toBe(true);
    expect(host.snapshot().session?.record.addenda).toEqual([
      { id: expect.any(String), at: rig.now, text: 'Phoned the next day: slept well.', name: 'Sam Lee', credentials: 'RN' },
    ]);
    const md = await host.dispatch('exportReport', { audience: 'therapist', format: 'markdown' });
    const text = readFileSync(md.ok ? (md.file?.path as string) : '', 'utf8');
    expect(text).toContain('- **Signed by:** Dr Ana Ruiz, MD, licence 4411');
    expect(text).toMatch(/\| 10:\d\d, 22 November 2026 \| Sam Lee, RN \| Phoned the next day: slept well\. \|/);
  });
});

describe('Export FHIR bundle', () => {
  it('is refused for an unsigned record', async () => {
    const host = await openHost();
    await lived(host, true);
    const r = await host.dispatch('exportFhir', {});
    expect(!r.ok && r.error).toMatch(/sign the record first/);
  });

  it('writes a FHIR R4 bundle that validates against the R4 schema, with the right codes and no PHI beyond the alias', async () => {
    const host = await openHost();
    await lived(host, true);
    await host.dispatch('setClinician', { name: 'Dr Ana Ruiz', credentials: 'MD' });
    await host.dispatch('signRecord', {});
    const r = await host.dispatch('exportFhir', {});
    expect(r.ok).toBe(true);
    const path = r.ok ? (r.file?.path as string) : '';
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(path).not.toContain('Ελένη');
    const bundle = JSON.parse(readFileSync(path, 'utf8')) as FhirBundle;

    // Against the HL7 FHIR R4 JSON schema: the bundle, and each resource on its own.
    expect(fhirProblems(bundle)).toEqual([]);
    for (const e of bundle.entry) expect(fhirProblems(e.resource), e.resource.resourceType).toEqual([]);
    // The check can fail: a Bundle with a type R4 does not know is refused.
    expect(fhirProblems({ ...bundle, type: 'pile' }).length).toBeGreaterThan(0);

    const of = (type: string): FhirResource[] => bundle.entry.map((e) => e.resource).filter((x) => x.resourceType === type);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    const [patient] = of('Patient');
    expect(patient).toEqual({
      resourceType: 'Patient',
      id: expect.any(String),
      identifier: [{ system: 'urn:stillroom:client-alias', value: 'Ελένη' }],
    });
    expect(of('Encounter')).toHaveLength(1);
    expect(of('MedicationAdministration')[0]).toMatchObject({
      status: 'completed',
      contained: [{ resourceType: 'Medication', code: { text: 'Ketamine' }, batch: { lotNumber: 'K-17' } }],
      dosage: { route: { text: 'sublingual' }, dose: { value: 100, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
    });
    const codes = of('Observation').flatMap((o) => JSON.stringify(o).match(/"code":"[0-9]+-[0-9]"/g) ?? []);
    for (const code of ['85354-9', '8480-6', '8462-4', '8867-4', '2708-6', '59408-5']) expect(codes).toContain(`"code":"${code}"`);
    // The flagged systolic (168 over 160) carries its interpretation.
    expect(JSON.stringify(of('Observation'))).toContain('"code":"H"');
    expect(of('AdverseEvent')[0]).toMatchObject({ actuality: 'actual', severity: { coding: [{ code: 'mild' }] } });
    const doc = of('DocumentReference')[0] as unknown as { content: Array<{ attachment: { data: string } }> };
    const report = Buffer.from(doc.content[0]?.attachment.data ?? '', 'base64').toString('utf8');
    expect(report).toContain('Session record');
    // Nothing about the client beyond the alias: no name, birth date, address or telecom anywhere.
    const everything = JSON.stringify(bundle);
    for (const field of ['"birthDate"', '"address"', '"telecom"', '"gender"']) expect(everything).not.toContain(field);
    expect(JSON.stringify(patient)).not.toContain('"name"');
    // The same record exports the same bundle ids.
    const again = await host.dispatch('exportFhir', {});
    const second = JSON.parse(readFileSync(again.ok ? (again.file?.path as string) : '', 'utf8')) as FhirBundle;
    expect(second.entry.map((e) => e.fullUrl)).toEqual(bundle.entry.map((e) => e.fullUrl));
  });
});
