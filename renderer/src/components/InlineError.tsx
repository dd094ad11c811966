/** A refusal or failure, said quietly in place: never a pop-up. */
export function InlineError({ text }: { text: string | null }) {
  return (
    <p className="inline-error" role="status" aria-live="polite">
      {text ?? ''}
    </p>
  );
}
