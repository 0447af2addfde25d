// A date as three boxes (day, month by name, year), after GOV.UK's date input: the browser's own date
// picker shows Common Era years and cannot take "2530". A Buddhist-era or Common Era year is understood
// (ui/dates.ts); what was understood is said back in both eras, and a problem in the era that was typed.
import { useState } from "preact/hooks";

import { locale } from "../i18n";
import { useApp } from "../state";
import { dateInEra, type Typed, typedFrom, understand } from "./dates";

const MONTHS = Array.from({ length: 12 }, (_, index) => index + 1);

export function DateInput({
  id,
  value,
  min,
  max,
  invalid,
  describedBy,
  onChange,
}: {
  /** The day box's id (a field's label and error summary lead there); the others add -month, -year. */
  id: string;
  /** ISO (YYYY-MM-DD, Common Era) or "". */
  value: string;
  min?: string;
  max?: string;
  invalid?: boolean;
  describedBy?: string;
  /** The ISO date once the boxes make a valid one, else undefined. */
  onChange: (iso: string | undefined) => void;
}) {
  const { tr, language } = useApp();
  const [typed, setTyped] = useState<Typed>(() => typedFrom(language, value));
  const understood = understand(language, typed, { min, max });
  const problem = understood.kind === "invalid" ? understood.message : "";
  const monthName = new Intl.DateTimeFormat(locale(language), { month: "long", timeZone: "UTC" });

  function edit(part: keyof Typed, text: string) {
    const next = { ...typed, [part]: text };
    setTyped(next);
    const found = understand(language, next, { min, max });
    if (found.kind === "date") onChange(found.iso);
    else if (found.kind === "empty" || found.kind === "invalid") onChange(undefined);
  }

  const errorId = `${id}-date-error`;
  const described = [describedBy, problem && errorId].filter(Boolean).join(" ") || undefined;
  const common = { "aria-invalid": invalid || !!problem ? true : undefined, "aria-describedby": described };
  return (
    <div class="date-input-wrap">
      {problem && (
        <p class="form-error" id={errorId}>
          {problem}
        </p>
      )}
      <div class="date-input">
        <div class="date-part">
          <label for={id}>{tr({ th: "วันที่", en: "Day" })}</label>
          <input
            {...common}
            id={id}
            type="text"
            class="day"
            inputMode="numeric"
            autoComplete="off"
            maxLength={2}
            value={typed.day}
            onInput={(event) => edit("day", event.currentTarget.value)}
          />
        </div>
        <div class="date-part">
          <label for={`${id}-month`}>{tr({ th: "เดือน", en: "Month" })}</label>
          <select
            {...common}
            id={`${id}-month`}
            value={typed.month}
            onChange={(event) => edit("month", event.currentTarget.value)}
          >
            <option value="">{tr({ th: "เลือกเดือน", en: "Choose" })}</option>
            {MONTHS.map((month) => (
              <option key={month} value={String(month)}>
                {monthName.format(new Date(Date.UTC(2000, month - 1, 1)))}
              </option>
            ))}
          </select>
        </div>
        <div class="date-part">
          <label for={`${id}-year`}>{tr({ th: "ปี พ.ศ.", en: "Year" })}</label>
          <input
            {...common}
            id={`${id}-year`}
            type="text"
            class="year"
            inputMode="numeric"
            autoComplete="off"
            maxLength={4}
            value={typed.year}
            onInput={(event) => edit("year", event.currentTarget.value)}
          />
        </div>
      </div>
      {understood.kind === "date" && (
        <p class="form-help date-understood">
          {tr({
            th: `คือวันที่ ${dateInEra("th", understood.iso, "buddhist")} (${dateInEra("th", understood.iso, "gregory")})`,
            en: `That is ${dateInEra("en", understood.iso, "gregory")} (${dateInEra("en", understood.iso, "buddhist")})`,
          })}
        </p>
      )}
    </div>
  );
}
