// A Thai address: its parts in the order they are written, the postcode checked as it is typed.
import { fill } from "../../i18n";
import { useApp } from "../../state";
import { ADDRESS_PARTS, ADDRESS_WORDS, type Address, postcodeLooksWrong, REQUIRED_ADDRESS_PARTS } from "../application-logic";
import { describedBy, ErrorText, type FieldProps, Help, helpId, Required } from "./fields";

export function AddressField({
  field,
  value,
  error,
  change,
  badPostcode,
  checkPostcode,
}: FieldProps & { badPostcode: boolean; checkPostcode: (wrong: boolean) => void }) {
  const { t, language, pick } = useApp();
  const id = `f-${field.name}`;
  const address = (value ?? {}) as Address;
  const autocomplete: Record<string, string> = {
    house_number: "address-line1",
    village: "address-line2",
    road: "address-line3",
    subdistrict: "address-level3",
    district: "address-level2",
    province: "address-level1",
    postcode: "postal-code",
  };
  const postcodeError = badPostcode ? fill(t("errorLine"), { label: t("postcode"), message: t("errPostcode") }) : "";
  return (
    <fieldset
      class={error || postcodeError ? "form-field address has-error" : "form-field address"}
      aria-describedby={describedBy(helpId(field, language), error && `${id}-error`)}
    >
      <legend class="form-label">
        {pick(field, "label")}
        <Required field={field} />
      </legend>
      <Help field={field} />
      <ErrorText id={`${id}-error`} text={error} />
      <div class="address-grid">
        {ADDRESS_PARTS.map((part, index) => {
          const partId = index === 0 ? id : `${id}-${part}`;
          const needed = field.required && REQUIRED_ADDRESS_PARTS.has(part);
          const isPostcode = part === "postcode";
          const invalid =
            (isPostcode && badPostcode) || (!!error && needed && !(address[part] ?? "").trim()) ? true : undefined;
          return (
            <div key={part} class={isPostcode ? "address-part postcode" : "address-part"}>
              <label for={partId}>
                {t(ADDRESS_WORDS[part])}
                {needed && <span class="req"> ({t("required")})</span>}
              </label>
              {isPostcode && (
                <p class="form-help" id={`${id}-postcode-hint`}>
                  {t("postcodeHint")}
                </p>
              )}
              {isPostcode && <ErrorText id={`${id}-postcode-error`} text={postcodeError} />}
              <input
                id={partId}
                type="text"
                name={`${field.name}.${part}`}
                autoComplete={autocomplete[part]}
                required={needed}
                aria-invalid={invalid}
                aria-describedby={
                  isPostcode
                    ? describedBy(
                        `${id}-postcode-hint`,
                        postcodeError && `${id}-postcode-error`,
                        error && `${id}-error`,
                      )
                    : error && invalid
                      ? `${id}-error`
                      : undefined
                }
                {...(isPostcode
                  ? { inputMode: "numeric" as const, maxLength: 5, pattern: "[0-9]{5}" }
                  : { maxLength: 200 })}
                value={address[part] ?? ""}
                onInput={(event) => {
                  const typed = isPostcode ? event.currentTarget.value.replace(/\D/g, "") : event.currentTarget.value;
                  if (isPostcode) {
                    event.currentTarget.value = typed;
                    if (badPostcode && !postcodeLooksWrong(typed)) checkPostcode(false);
                  }
                  change(field.name, { ...address, [part]: typed });
                }}
                onBlur={
                  isPostcode ? (event) => checkPostcode(postcodeLooksWrong(event.currentTarget.value)) : undefined
                }
              />
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
