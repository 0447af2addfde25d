// A date typed as day, month and year, as Thai people write it: the year in the Buddhist era (พ.ศ.) or
// the Common Era (ค.ศ.), whichever was typed. A year of 2400 or more is Buddhist era (the backend's
// rule too, backend/core/dates.py); a problem is said in the citizen's language, and a date it compares
// with is written in the era that was typed, never the other one.
import { fill, type Language, locale, tr } from "../i18n";

export const BUDDHIST_ERA_OFFSET = 543;
const FIRST_BUDDHIST_ERA_YEAR = 2400;
const FIRST_YEAR = 1800;

export type Era = "buddhist" | "gregory";
export interface Typed {
  day: string;
  month: string;
  year: string;
}
export type Understood =
  | { kind: "empty" }
  | { kind: "incomplete" }
  | { kind: "invalid"; message: string }
  | { kind: "date"; iso: string; era: Era };

/** The ISO date's parts as the citizen sees them: the year in the Buddhist era in Thai. */
export function typedFrom(language: Language, iso: string): Typed {
  const found = /^(\d{4})-(\d\d)-(\d\d)$/.exec(iso);
  if (!found) return { day: "", month: "", year: "" };
  const year = Number(found[1]) + (language === "th" ? BUDDHIST_ERA_OFFSET : 0);
  return { day: String(Number(found[3])), month: String(Number(found[2])), year: String(year) };
}

/** A date written in one era, whatever the language: "4 ธันวาคม ค.ศ. 2026", "4 December 2569 BE". */
export function dateInEra(language: Language, iso: string, era: Era): string {
  const native: Era = language === "th" ? "buddhist" : "gregory";
  const tag = era === native ? locale(language) : `${locale(language)}-u-ca-${era}`;
  return new Intl.DateTimeFormat(tag, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
}

function yearProblem(language: Language, today: Date): string {
  const year = today.getUTCFullYear();
  return fill(
    tr(language, {
      th: "พิมพ์ปีให้ครบ 4 หลัก เป็นปี พ.ศ. หรือ ค.ศ. ก็ได้ เช่น {be} (พ.ศ.) หรือ {ce} (ค.ศ.)",
      en: "Type the year in full, in the Buddhist era (พ.ศ.) or the Common Era: for example {be} BE or {ce}",
    }),
    { be: year + BUDDHIST_ERA_OFFSET, ce: year },
  );
}

/** What the three boxes say: nothing yet, not finished, a problem in words, or the date (ISO, Common Era). */
export function understand(
  language: Language,
  typed: Typed,
  { min, max, today = new Date() }: { min?: string; max?: string; today?: Date } = {},
): Understood {
  const [day, month, year] = [typed.day.trim(), typed.month.trim(), typed.year.trim()];
  if (!day && !month && !year) return { kind: "empty" };
  if (year && !/^\d{4}$/.test(year)) return { kind: "invalid", message: yearProblem(language, today) };
  if (!day || !month || !year) return { kind: "incomplete" };
  const typedYear = Number(year);
  const era: Era = typedYear >= FIRST_BUDDHIST_ERA_YEAR ? "buddhist" : "gregory";
  const ceYear = era === "buddhist" ? typedYear - BUDDHIST_ERA_OFFSET : typedYear;
  if (ceYear < FIRST_YEAR) return { kind: "invalid", message: yearProblem(language, today) };
  const [d, m] = [Number(day), Number(month)];
  const date = new Date(Date.UTC(ceYear, m - 1, d));
  if (!/^\d{1,2}$/.test(day) || date.getUTCDate() !== d || date.getUTCMonth() !== m - 1) {
    return {
      kind: "invalid",
      message: tr(language, {
        th: "ไม่มีวันที่นี้ในปฏิทิน ตรวจวันและเดือนอีกครั้ง",
        en: "That date does not exist: check the day and the month",
      }),
    };
  }
  const iso = `${String(ceYear).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  if (min && iso < min) {
    const bound = dateInEra(language, min, era);
    return { kind: "invalid", message: tr(language, { th: `ต้องไม่ก่อนวันที่ ${bound}`, en: `It must be on or after ${bound}` }) };
  }
  if (max && iso > max) {
    const bound = dateInEra(language, max, era);
    return { kind: "invalid", message: tr(language, { th: `ต้องไม่หลังวันที่ ${bound}`, en: `It must be on or before ${bound}` }) };
  }
  return { kind: "date", iso, era };
}
