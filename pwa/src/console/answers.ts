// An application's answers read through its service's form (the agency's own labels and choices), and
// the lines a certificate is prefilled with. Pure functions, so that they are unit-tested without a page.
import type { Schema } from "../api";
import { type Language, locale, pick } from "../i18n";

/** The parts of a form field these functions read: an answer without its form (which could not be
 * loaded) is shown under its own name as a text field. */
export type FormField = Pick<Schema<"FormField">, "name" | "kind" | "label_th" | "label_en"> &
  Partial<Pick<Schema<"FormField">, "choices" | "multiple">>;
/** The parts of an application service these functions read. */
export type ApplicationService = Pick<Schema<"ServiceView">, "id" | "code" | "title_th" | "title_en" | "fee_satang"> & {
  form: { fields: FormField[] };
};
export type DetailLine = Schema<"DetailLine">;

/** The parts of a Thai address, in the order they are written. */
export const ADDRESS_PARTS = ["house_number", "village", "road", "subdistrict", "district", "province", "postcode"] as const;

function choiceOf(field: FormField, value: unknown): Schema<"Choice"> | undefined {
  return field.choices?.find((choice) => choice.value === value);
}

function dateIn(language: Language, iso: string, style: "medium" | "long" = "medium"): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  // Noon UTC: the same calendar day in Bangkok and wherever the browser is.
  return new Intl.DateTimeFormat(locale(language), { dateStyle: style, timeZone: "UTC" }).format(
    new Date(`${iso}T12:00:00Z`),
  );
}

/** One answer as text in the viewer's language; file answers are drawn as links instead (null here). */
export function answerText(language: Language, field: FormField, value: unknown): string | null {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) return "";
  switch (field.kind) {
    case "file":
      return null;
    case "choice": {
      const values = Array.isArray(value) ? value : [value];
      return values.map((item) => { const choice = choiceOf(field, item); return choice ? pick(language, choice, "label") : String(item); }).join(", ");
    }
    case "date":
      return typeof value === "string" ? dateIn(language, value) : String(value);
    case "number":
      return typeof value === "number" ? value.toLocaleString(locale(language)) : String(value);
    case "thai_address": {
      if (typeof value !== "object") return String(value);
      const address = value as Record<string, string | undefined>;
      return ADDRESS_PARTS.map((part) => address[part]?.trim()).filter(Boolean).join(", ");
    }
    default:
      return typeof value === "string" ? value : JSON.stringify(value);
  }
}

/** The file ids a file field's answer names. */
export function fileIds(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** A value written once for both languages on a bilingual certificate: "ญี่ปุ่น / Japan". */
function bilingual(thai: string, english: string): string {
  return thai === english ? thai : `${thai} / ${english}`;
}

function certificateValue(field: FormField, value: unknown): string {
  if (field.kind === "choice") {
    const values = Array.isArray(value) ? value : [value];
    const th = values.map((item) => choiceOf(field, item)?.label_th ?? String(item)).join(", ");
    const en = values.map((item) => choiceOf(field, item)?.label_en ?? String(item)).join(", ");
    return bilingual(th, en);
  }
  if (field.kind === "date" && typeof value === "string") return bilingual(dateIn("th", value, "long"), dateIn("en", value, "long"));
  if (field.kind === "thai_address") return answerText("th", field, value) ?? "";
  return typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
}

/** What a service's certificate is called, and which answers it states under which labels. Services
 * without an entry here get their own title and every short answer under the form's labels. */
const CERTIFICATES: Record<string, { title_th: string; title_en: string; lines: [string, string, string][] }> = {
  "foreign-equivalence": {
    title_th: "หนังสือรับรองการเทียบวุฒิการศึกษา",
    title_en: "Certificate of qualification equivalence",
    lines: [
      ["country", "ประเทศที่สำเร็จการศึกษา", "Country of study"],
      ["school_name", "สถานศึกษา", "School"],
      ["level", "เทียบเท่าระดับ", "Recognised as equivalent to"],
      ["completed_on", "วันที่สำเร็จการศึกษา", "Date of completion"],
    ],
  },
};

const MAX_LINE_VALUE = 300;
const MAX_LINES = 20;

/** The certificate's title and detail lines prefilled from the application; the officer edits them. */
export function certificateDraft(
  service: ApplicationService | undefined,
  title: { title_th: string; title_en: string },
  answers: Record<string, unknown>,
): { title_th: string; title_en: string; details: DetailLine[] } {
  const preset = service ? CERTIFICATES[service.code] : undefined;
  const fields = new Map((service?.form.fields ?? []).map((field) => [field.name, field]));
  const chosen: [FormField, string, string][] = preset
    ? preset.lines.flatMap(([name, th, en]) => { const field = fields.get(name); return field ? [[field, th, en] as [FormField, string, string]] : []; })
    : [...fields.values()]
        .filter((field) => field.kind !== "file" && field.kind !== "thai_address")
        .map((field) => [field, field.label_th, field.label_en]);
  const details = chosen
    .map(([field, label_th, label_en]) => ({ label_th, label_en, value: certificateValue(field, answers[field.name]).slice(0, MAX_LINE_VALUE) }))
    .filter((line) => line.value !== "")
    .slice(0, MAX_LINES);
  return {
    title_th: preset?.title_th ?? title.title_th,
    title_en: preset?.title_en ?? title.title_en,
    details,
  };
}

/** "1.2 MB", "980 B": a file's size for people. */
export function fileSize(language: Language, bytes: number): string {
  const number = (value: number) => value.toLocaleString(locale(language), { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${number(bytes)} B`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024)} KB`;
  return `${number(bytes / (1024 * 1024))} MB`;
}

/** "image/png" -> "PNG". */
export function fileType(contentType: string): string {
  return { "application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG" }[contentType] ?? contentType;
}
