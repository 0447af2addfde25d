import type { ComponentChildren } from "preact";

/** A console form's labelled control, with what is wrong with it said beside it (not only at the top). */
export function Field({ label, children, errors = [] }: { label: string; children: ComponentChildren; errors?: string[] }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
      {errors.map((error) => (
        <strong key={error} class="field-error" role="alert">
          {error}
        </strong>
      ))}
    </label>
  );
}
