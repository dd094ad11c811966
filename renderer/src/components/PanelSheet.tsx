/**
 * A small sheet on the live panel (vitals, the dose): opened by its button or key, in place
 * under the panel's first controls — never a pop-up over the session. Escape closes it; its
 * first field takes the caret.
 */
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef } from 'react';

export function PanelSheet({
  title,
  onClose,
  children,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId: string;
}) {
  const id = useId();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, []);
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    onClose();
  };
  return (
    <section className="panel-sheet" aria-labelledby={`${id}-title`} ref={ref} onKeyDown={onKeyDown} data-testid={testId}>
      <div className="sheet-head">
        <h2 id={`${id}-title`} className="section-title">
          {title}
        </h2>
        <button type="button" className="link-button" onClick={onClose}>
          Close
        </button>
      </div>
      {children}
    </section>
  );
}
