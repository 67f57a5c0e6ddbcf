/**
 * What to type in a one-line field, e.g. "Type a word, e.g. manhole, street light, noise". It is the field's
 * placeholder, except in elder mode: at that size it was cut off on a phone ("Type a word, e.g. m"), so there it is a
 * line of its own between the field's name and the field (and stays visible while typing). It is left out of the
 * field's name and given as its description instead.
 */
export function FieldExample({ id, text, elder }: { id: string; text: string; elder: boolean }) {
  if (!elder) return null;
  return (
    <span id={id} className="rr-example" aria-hidden="true" data-testid="field-example">
      {text}
    </span>
  );
}

/** The input's side of it: the placeholder, or the reference to the example line, beside any other description. */
export function exampleProps(id: string, text: string, elder: boolean, describedBy?: string): { placeholder?: string; 'aria-describedby'?: string } {
  const ids = [elder ? id : '', describedBy ?? ''].filter(Boolean).join(' ');
  return { ...(elder ? {} : { placeholder: text }), ...(ids ? { 'aria-describedby': ids } : {}) };
}
