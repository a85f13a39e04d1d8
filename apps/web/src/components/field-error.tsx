// The message under a form field that is not right yet.
export function FieldError({ text }: { text: string | undefined }) {
  if (!text) return null;
  return <span className="field-error">{text}</span>;
}
