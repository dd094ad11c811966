/** The safe scene (where Safe state takes the room) and a short preview of any scene. */
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../../bridge';
import { InlineError } from '../InlineError';
import { useTransient } from './transient';

export function SceneCard({ safe, busy }: { safe: { level: number; kelvin: number }; busy: string | null }) {
  const id = useId();
  const [level, setLevel] = useState(String(safe.level));
  const [kelvin, setKelvin] = useState(String(safe.kelvin));
  const [message, setMessage] = useTransient();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setLevel(String(safe.level));
    setKelvin(String(safe.kelvin));
  }, [safe.level, safe.kelvin]);

  const read = (): { level: number; kelvin: number } | null => {
    const l = Number(level.trim());
    const k = Number(kelvin.trim());
    if (!level.trim() || !Number.isFinite(l) || l < 0 || l > 100) {
      setError('Level is a number from 0 to 100 %.');
      return null;
    }
    if (!kelvin.trim() || !Number.isInteger(k) || k < 1500 || k > 9000) {
      setError('Colour temperature is a whole number from 1500 to 9000 K.');
      return null;
    }
    return { level: l, kelvin: k };
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    setError(null);
    const s = read();
    if (!s) return;
    const r = await api().setSafeScene(s);
    if (r.ok) setMessage(`Safe state now brings the room to ${s.level} % at ${s.kelvin} K.`);
    else setError(r.error);
  };
  const preview = async () => {
    setMessage(null);
    setError(null);
    const s = read();
    if (!s) return;
    const r = await api().previewScene(s);
    if (r.ok) setMessage(r.data?.message ?? null);
    else setError(r.error);
  };
  return (
    <form className="form-grid" onSubmit={(e) => void save(e)} aria-label="Safe scene">
      <label htmlFor={`${id}-level`}>Level (%)</label>
      <input id={`${id}-level`} type="text" inputMode="decimal" value={level} onChange={(e) => setLevel(e.target.value)} />
      <label htmlFor={`${id}-kelvin`}>Colour (K)</label>
      <input id={`${id}-kelvin`} type="text" inputMode="numeric" value={kelvin} onChange={(e) => setKelvin(e.target.value)} />
      <div className="span-2 row-actions">
        <button type="submit">Save safe scene</button>
        <button type="button" className="quiet-button" disabled={busy !== null} onClick={() => void preview()}>
          Preview scene
        </button>
      </div>
      <p className="quiet small span-2" role="status" aria-live="polite">
        {message ?? ''}
      </p>
      <InlineError text={error} />
    </form>
  );
}
