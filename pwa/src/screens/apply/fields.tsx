// The form's questions drawn from the agency's form definition: text, numbers, dates and choices, with
// their help, "required" and the problem beside each (the address and file fields have files of their own).
import { type Language, pick } from "../../i18n";
import { useApp } from "../../state";
import { DateInput } from "../../ui/date-input";
import { dateBound, type FormField } from "../application-logic";

const RADIOS_UP_TO = 5; // more choices than this are a drop-down list

export interface FieldProps {
  field: FormField;
  value: unknown;
  error: string;
  change: (name: string, value: unknown) => void;
}

export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}

export function Help({ field }: { field: FormField }) {
  const { pick } = useApp();
  const help = pick(field, "help");
  return help ? (
    <p class="form-help" id={`f-${field.name}-help`}>
      {help}
    </p>
  ) : null;
}

export function ErrorText({ id, text }: { id: string; text: string }) {
  return text ? (
    <p class="form-error" id={id}>
      {text}
    </p>
  ) : null;
}

export function Required({ field }: { field: FormField }) {
  const { t } = useApp();
  return field.required ? <span class="req"> ({t("required")})</span> : null;
}

export function helpId(field: FormField, language: Language): string | false {
  return !!pick(language, field, "help") && `f-${field.name}-help`;
}

export function InputField({ field, value, error, change }: FieldProps) {
  const { language, pick } = useApp();
  const id = `f-${field.name}`;
  const common = {
    id,
    name: field.name,
    required: field.required,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(helpId(field, language), error && `${id}-error`),
  };
  if (field.kind === "date") {
    // Three boxes in a group (ui/date-input.tsx): a Buddhist-era year is understood, not refused.
    return (
      <fieldset class={error ? "form-field has-error" : "form-field"}>
        <legend class="form-label">
          {pick(field, "label")}
          <Required field={field} />
        </legend>
        <Help field={field} />
        <ErrorText id={`${id}-error`} text={error} />
        <DateInput
          key={language}
          id={id}
          value={typeof value === "string" ? value : ""}
          min={dateBound(field.min_date)}
          max={dateBound(field.max_date)}
          invalid={!!error}
          describedBy={common["aria-describedby"]}
          onChange={(iso) => change(field.name, iso)}
        />
      </fieldset>
    );
  }
  let control;
  if (field.kind === "number") {
    control = (
      <input
        {...common}
        type="number"
        inputMode={field.integer ? "numeric" : "decimal"}
        step={field.integer ? 1 : "any"}
        min={field.minimum ?? undefined}
        max={field.maximum ?? undefined}
        value={typeof value === "number" ? String(value) : ""}
        onInput={(event) => {
          const typed = event.currentTarget.value;
          change(field.name, typed === "" || Number.isNaN(Number(typed)) ? undefined : Number(typed));
        }}
      />
    );
  } else if ((field.max_length ?? 2000) > 200) {
    control = (
      <textarea
        {...common}
        rows={4}
        maxLength={field.max_length ?? 2000}
        value={typeof value === "string" ? value : ""}
        onInput={(event) => change(field.name, event.currentTarget.value)}
      />
    );
  } else {
    control = (
      <input
        {...common}
        type="text"
        maxLength={field.max_length ?? undefined}
        minLength={field.min_length ?? undefined}
        value={typeof value === "string" ? value : ""}
        onInput={(event) => change(field.name, event.currentTarget.value)}
      />
    );
  }
  return (
    <div class={error ? "form-field has-error" : "form-field"}>
      <label class="form-label" for={id}>
        {pick(field, "label")}
        <Required field={field} />
      </label>
      <Help field={field} />
      <ErrorText id={`${id}-error`} text={error} />
      {control}
    </div>
  );
}

export function ChoiceField({ field, value, error, change }: FieldProps) {
  const { t, language, pick } = useApp();
  const id = `f-${field.name}`;
  const choices = field.choices ?? [];
  const invalid = error ? true : undefined;
  const describe = describedBy(helpId(field, language), error && `${id}-error`);
  if (!field.multiple && choices.length > RADIOS_UP_TO) {
    return (
      <div class={error ? "form-field has-error" : "form-field"}>
        <label class="form-label" for={id}>
          {pick(field, "label")}
          <Required field={field} />
        </label>
        <Help field={field} />
        <ErrorText id={`${id}-error`} text={error} />
        <select
          id={id}
          name={field.name}
          required={field.required}
          aria-invalid={invalid}
          aria-describedby={describe}
          value={typeof value === "string" ? value : ""}
          onChange={(event) => change(field.name, event.currentTarget.value)}
        >
          <option value="">{t("chooseOne")}</option>
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {pick(choice, "label")}
            </option>
          ))}
        </select>
      </div>
    );
  }
  const chosen = field.multiple ? (Array.isArray(value) ? (value as string[]) : []) : [value];
  return (
    <fieldset class={error ? "form-field choices has-error" : "form-field choices"} aria-describedby={describe}>
      <legend class="form-label">
        {pick(field, "label")}
        <Required field={field} />
      </legend>
      <Help field={field} />
      <ErrorText id={`${id}-error`} text={error} />
      {choices.map((choice, index) => (
        <label key={choice.value} class="option">
          <input
            id={index === 0 ? id : `${id}-${choice.value}`}
            type={field.multiple ? "checkbox" : "radio"}
            name={field.name}
            value={choice.value}
            required={field.required && !field.multiple}
            checked={chosen.includes(choice.value)}
            onChange={(event) => {
              if (!field.multiple) change(field.name, choice.value);
              else {
                const others = chosen.filter((item) => item !== choice.value);
                change(field.name, event.currentTarget.checked ? [...others, choice.value] : others);
              }
            }}
          />
          <span>{pick(choice, "label")}</span>
        </label>
      ))}
    </fieldset>
  );
}
