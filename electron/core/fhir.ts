/**
 * A signed session as a FHIR R4 Bundle (type `collection`) for a clinic's health record:
 * the client as a Patient known only by alias (no name, birth date or address ever leaves),
 * the session as an Encounter, the signing clinician as a Practitioner, each dose as a
 * MedicationAdministration (medicine, amount, route, lot, time), each vital sign as an
 * Observation with its LOINC code, each rating as an Observation, each adverse event as an
 * AdverseEvent, and the therapist's report as a DocumentReference. Pure: ids come from the
 * caller, so the same record always gives the same bundle.
 *
 * LOINC codes as the R4 vital-signs profiles use them: blood pressure panel 85354-9 with
 * systolic 8480-6 and diastolic 8462-4 as components, heart rate 8867-4, oxygen saturation
 * 2708-6 with pulse oximetry 59408-5.
 */
import { currentDischarge, type DoseRecord } from './record';
import type { SessionState, VitalsValues } from './session';
import { DEFAULT_VITALS_RANGES, scaleById, type VitalsRanges, vitalsFlags } from './vitals';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };
/** A FHIR resource as plain JSON (validated against the R4 schema in the tests). */
export type FhirResource = { resourceType: string; id: string; [k: string]: Json | undefined };

export interface FhirBundle {
  resourceType: 'Bundle';
  id: string;
  type: 'collection';
  timestamp: string;
  identifier: { system: string; value: string };
  entry: Array<{ fullUrl: string; resource: FhirResource }>;
}

export interface FhirOptions {
  /** The therapist's report (Markdown) held by the DocumentReference. */
  report: string;
  reportTitle: string;
  now: number;
  vitalsRanges?: VitalsRanges;
  /** A stable UUID for a key (the host derives it from the session id); defaults to a counter. */
  uuid?: (key: string) => string;
}

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
export const LOINC_CODES = {
  bpPanel: '85354-9',
  systolic: '8480-6',
  diastolic: '8462-4',
  heartRate: '8867-4',
  spo2: '2708-6',
  spo2Pulse: '59408-5',
  progressNote: '11506-3',
} as const;

const iso = (ms: number): string => new Date(ms).toISOString();

/** UCUM codes for the units a dose form offers; anything else travels as text only. */
const UCUM_UNITS: Record<string, string> = { mg: 'mg', g: 'g', mcg: 'ug', µg: 'ug', ug: 'ug', ml: 'mL', mL: 'mL', 'mg/kg': 'mg/kg' };

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

const vitalSigns = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }],
};
const interpretation = (dir: 'low' | 'high') => [
  {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
        code: dir === 'low' ? 'L' : 'H',
        display: dir === 'low' ? 'Low' : 'High',
      },
    ],
  },
];

/** The bundle for a signed session. Throws if the record is not signed: only a signed record is exported. */
export function fhirBundle(state: SessionState, opts: FhirOptions): FhirBundle {
  const sig = state.record.signature;
  if (!sig) throw new Error('only a signed record is exported');
  let n = 0;
  const uuid = opts.uuid ?? (() => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`);
  const ranges = opts.vitalsRanges ?? DEFAULT_VITALS_RANGES;
  const sid = state.plan.sessionId;
  const entries: FhirBundle['entry'] = [];
  const add = (key: string, make: (id: string, ref: string) => FhirResource): string => {
    const id = uuid(key);
    const ref = `urn:uuid:${id}`;
    entries.push({ fullUrl: ref, resource: make(id, ref) });
    return ref;
  };

  const alias = state.plan.clientAlias.trim() || `client of session ${sid}`;
  const patient = add('patient', (id) => ({
    resourceType: 'Patient',
    id,
    identifier: [{ system: 'urn:stillroom:client-alias', value: alias }],
  }));
  const practitioner = add('practitioner', (id) => ({
    resourceType: 'Practitioner',
    id,
    name: [{ text: sig.name }],
    ...(sig.credentials ? { qualification: [{ code: { text: sig.credentials } }] } : {}),
  }));
  const end = state.endedAt ?? opts.now;
  const discharge = currentDischarge(state.record);
  const encounter = add('encounter', (id) => ({
    resourceType: 'Encounter',
    id,
    identifier: [{ system: 'urn:stillroom:session', value: sid }],
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [{ text: `Psychotherapy session with music (${state.plan.preset.name}, ${state.plan.preset.route})` }],
    subject: { reference: patient },
    participant: [{ individual: { reference: practitioner } }],
    period: { start: iso(state.startedAt), end: iso(discharge ? Math.max(end, discharge.dischargedAt) : end) },
  }));

  const doseRefs = state.record.doses.map((d, i) =>
    add(`dose/${d.id}`, (id) => medicationAdministration(id, d, i, patient, encounter, practitioner)),
  );

  for (const v of state.record.vitals) {
    for (const obs of vitalObservations(v.values, ranges)) {
      add(`vitals/${v.id}/${obs.key}`, (id) => ({
        resourceType: 'Observation',
        id,
        status: 'final',
        category: [vitalSigns],
        subject: { reference: patient },
        encounter: { reference: encounter },
        effectiveDateTime: iso(v.takenAt),
        performer: [{ reference: practitioner }],
        ...obs.body,
        ...(v.note ? { note: [{ text: v.note }] } : {}),
      }));
    }
  }
  for (const r of state.record.ratings) {
    const scale = scaleById(r.scale);
    add(`rating/${r.id}`, (id) => ({
      resourceType: 'Observation',
      id,
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] }],
      code: { text: scale ? `${scale.name} (${scale.kind} scale, ${scale.min} to ${scale.max})` : r.scale },
      subject: { reference: patient },
      encounter: { reference: encounter },
      effectiveDateTime: iso(r.takenAt),
      valueInteger: Math.round(r.value),
      ...(r.note ? { note: [{ text: r.note }] } : {}),
    }));
  }
  for (const a of state.record.adverseEvents) {
    add(`adverse/${a.id}`, (id) => ({
      resourceType: 'AdverseEvent',
      id,
      actuality: 'actual',
      subject: { reference: patient },
      encounter: { reference: encounter },
      date: iso(a.takenAt),
      recordedDate: iso(a.recordedAt),
      event: { text: a.action ? `${a.description} (action taken: ${a.action})` : a.description },
      severity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adverse-event-severity', code: a.severity }] },
      recorder: { reference: practitioner },
      ...(doseRefs[0] ? { suspectEntity: [{ instance: { reference: doseRefs[0] } }] } : {}),
    }));
  }
  add('report', (id) => ({
    resourceType: 'DocumentReference',
    id,
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: LOINC, code: LOINC_CODES.progressNote, display: 'Progress note' }], text: 'Session record' },
    subject: { reference: patient },
    date: iso(sig.at),
    author: [{ reference: practitioner }],
    authenticator: { reference: practitioner },
    description: opts.reportTitle,
    content: [
      {
        attachment: {
          contentType: 'text/markdown; charset=utf-8',
          language: 'en',
          data: base64Utf8(opts.report),
          title: opts.reportTitle,
          creation: iso(opts.now),
        },
      },
    ],
    context: { encounter: [{ reference: encounter }], period: { start: iso(state.startedAt), end: iso(end) } },
  }));

  return {
    resourceType: 'Bundle',
    id: uuid('bundle'),
    type: 'collection',
    timestamp: iso(opts.now),
    identifier: { system: 'urn:stillroom:session', value: sid },
    entry: entries,
  };
}

function medicationAdministration(
  id: string,
  d: DoseRecord,
  i: number,
  patient: string,
  encounter: string,
  practitioner: string,
): FhirResource {
  const x = d.details;
  const unit = x.unit?.trim() ?? '';
  const code = UCUM_UNITS[unit];
  const dose =
    x.amount !== undefined && x.amount !== null
      ? { value: x.amount, ...(unit ? { unit } : {}), ...(code ? { system: UCUM, code } : {}) }
      : undefined;
  const dosage: Record<string, Json> = {};
  if (x.route) dosage.route = { text: x.route };
  if (dose) dosage.dose = dose;
  if (d.note) dosage.text = d.note;
  return {
    resourceType: 'MedicationAdministration',
    id,
    status: 'completed',
    contained: [
      {
        resourceType: 'Medication',
        id: 'med',
        code: { text: x.medicine || 'not written down' },
        ...(x.lot ? { batch: { lotNumber: x.lot } } : {}),
      },
    ],
    medicationReference: { reference: '#med' },
    subject: { reference: patient },
    context: { reference: encounter },
    effectiveDateTime: new Date(d.givenAt).toISOString(),
    performer: [{ actor: { reference: practitioner } }],
    ...(Object.keys(dosage).length ? { dosage } : {}),
    ...(i > 0 ? { note: [{ text: 'further dose' }] } : {}),
  };
}

/** One Observation body per measured value: the blood pressure panel, heart rate, SpO₂, and any custom value. */
function vitalObservations(v: VitalsValues, ranges: VitalsRanges): Array<{ key: string; body: Record<string, Json> }> {
  const flags = vitalsFlags(v, ranges);
  const flag = (f: 'systolic' | 'diastolic' | 'heartRate' | 'spo2') => flags.find((x) => x.field === f)?.direction;
  const out: Array<{ key: string; body: Record<string, Json> }> = [];
  const loinc = (code: string, display: string) => ({ system: LOINC, code, display });
  const qty = (value: number, unit: string, code: string) => ({ value, unit, system: UCUM, code });
  if (v.systolic !== null || v.diastolic !== null) {
    const comp = (field: 'systolic' | 'diastolic', code: string, display: string): Json => {
      const value = v[field];
      const dir = flag(field);
      return {
        code: { coding: [loinc(code, display)] },
        ...(value !== null ? { valueQuantity: qty(value, 'mmHg', 'mm[Hg]') } : { dataAbsentReason: { text: 'not measured' } }),
        ...(dir ? { interpretation: interpretation(dir) } : {}),
      };
    };
    out.push({
      key: 'bp',
      body: {
        code: { coding: [loinc(LOINC_CODES.bpPanel, 'Blood pressure panel with all children optional')], text: 'Blood pressure' },
        component: [
          comp('systolic', LOINC_CODES.systolic, 'Systolic blood pressure'),
          comp('diastolic', LOINC_CODES.diastolic, 'Diastolic blood pressure'),
        ],
      },
    });
  }
  if (v.heartRate !== null) {
    const dir = flag('heartRate');
    out.push({
      key: 'hr',
      body: {
        code: { coding: [loinc(LOINC_CODES.heartRate, 'Heart rate')], text: 'Heart rate' },
        valueQuantity: qty(v.heartRate, '/min', '/min'),
        ...(dir ? { interpretation: interpretation(dir) } : {}),
      },
    });
  }
  if (v.spo2 !== null) {
    const dir = flag('spo2');
    out.push({
      key: 'spo2',
      body: {
        code: {
          coding: [
            loinc(LOINC_CODES.spo2, 'Oxygen saturation in Arterial blood'),
            loinc(LOINC_CODES.spo2Pulse, 'Oxygen saturation in Arterial blood by Pulse oximetry'),
          ],
          text: 'SpO₂',
        },
        valueQuantity: qty(v.spo2, '%', '%'),
        ...(dir ? { interpretation: interpretation(dir) } : {}),
      },
    });
  }
  v.custom.forEach((c, i) => {
    out.push({
      key: `custom-${i}`,
      body: { code: { text: c.label }, valueQuantity: { value: c.value, ...(c.unit ? { unit: c.unit } : {}) } },
    });
  });
  return out;
}
