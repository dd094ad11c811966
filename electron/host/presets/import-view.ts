/**
 * What the import view shows of a pending import: the preset in brief, who signed it, and per
 * track whether it was found (and how: the library, a hand fix, the bundle, the app's own
 * audio), is ambiguous or is missing, with candidates to choose from; and the plan's problems.
 */
import { basename } from 'node:path';
import type { MatchableTrack, ResolutionReport } from '../../core/matching';
import { presetProblems } from '../../core/preset-rules';
import type { InspectedPreset } from '../../services/sharing/import';
import type { Provenance } from '../../services/sharing/sign';
import type { ImportView, ProvenanceView, ResolutionRow } from './contract';
import { assetOf } from './own-audio';

/** An import inspected and waiting for the therapist: kept in memory only (abandoned ones are cleaned up). */
export interface PendingImport {
  id: string;
  kind: 'json' | 'bundle';
  source: string;
  inspected: InspectedPreset;
  /** The file's text as received (kept so a signed import stays signed on disk). */
  text: string | null;
  bundleFolder: string | null;
  preResolved: ReadonlyMap<string, MatchableTrack>;
  report: ResolutionReport;
}

/** Who signed a preset, as the views show it. */
export function provenanceView(p: Provenance | undefined): ProvenanceView | null {
  if (!p) return null;
  if (p.status === 'trusted') return { status: p.status, message: p.message, clinic: p.clinic, fingerprint: p.fingerprint };
  if (p.status === 'unknown-key') return { status: p.status, message: p.message, clinic: p.claimedClinic, fingerprint: p.fingerprint };
  return { status: 'unsigned', message: p.message, clinic: null, fingerprint: null };
}

/** The pending import as the import view shows it; `idTaken`: a preset with its id is here already. */
export function importView(p: PendingImport, idTaken: boolean): ImportView {
  const preset = p.inspected.preset;
  const rows: ResolutionRow[] = p.report.tracks.map((t) => {
    const r = t.resolution;
    const base = {
      phaseIndex: t.phaseIndex,
      trackIndex: t.trackIndex,
      title: t.ref.title,
      artist: t.ref.artist,
      durationS: t.ref.durationS,
    };
    const cand = (list: Array<{ track: MatchableTrack; why: string }>) =>
      list.slice(0, 5).map((c) => ({ trackId: c.track.id, title: c.track.title, artist: c.track.artist, why: c.why }));
    if (r.status === 'matched') {
      return {
        ...base,
        status: 'matched',
        how: assetOf(r.track.id) ? 'app' : r.how,
        matched: { trackId: r.track.id, title: r.track.title, artist: r.track.artist, fileName: basename(r.track.path) },
        note: r.note,
        candidates: [],
      };
    }
    if (r.status === 'ambiguous')
      return { ...base, status: 'ambiguous', how: null, matched: null, note: 'several files fit', candidates: cand(r.candidates) };
    return { ...base, status: 'missing', how: null, matched: null, note: r.reason, candidates: cand(r.near) };
  });
  return {
    importId: p.id,
    source: p.source,
    kind: p.kind,
    preset: {
      id: preset.id,
      name: preset.name,
      description: preset.description,
      route: preset.route,
      phases: preset.phases.map((ph) => ({ name: ph.name, plannedMin: ph.plannedMin })),
    },
    provenance: provenanceView(p.inspected.provenance) ?? { status: 'unsigned', message: '', clinic: null, fingerprint: null },
    idTaken,
    // References to this installation's audio that were found again are not "removed".
    strippedAssets: Math.max(0, p.inspected.strippedAssets - rows.filter((r) => r.how === 'app').length),
    report: { rows, matched: p.report.matched, ambiguous: p.report.ambiguous, missing: p.report.missing },
    planProblems: presetProblems(preset).map((x) => x.message),
  };
}
