// Applications and the documents wallet: the pure logic the screens share (the shapes the API sends are
// the OpenAPI document's, backend/applications/schemas.py): field messages in the citizen's language,
// the step-by-step timeline, and what a draft save sends.
import type { Schema } from "../api";
import { fill, formatDate, type Key, type Language, pick, tr, translate } from "../i18n";
import { problemWords } from "../ui/problem-words";

export type FormField = Schema<"FormField">;
export type FileView = Schema<"FileView">;
export type EventView = Schema<"EventView">;
export type ApplicationView = Schema<"ApplicationView">;
export type ServiceView = Schema<"ServiceView">;

export type Answers = ApplicationView["answers"];
/** A thai_address answer (the OpenAPI document leaves answers open: each service's form defines them). */
export type Address = Partial<Record<(typeof ADDRESS_PARTS)[number], string>>;

export const ADDRESS_PARTS = [
  "house_number",
  "village",
  "road",
  "subdistrict",
  "district",
  "province",
  "postcode",
] as const;
export const REQUIRED_ADDRESS_PARTS = new Set(["house_number", "subdistrict", "district", "province", "postcode"]);
export const ADDRESS_WORDS: Record<(typeof ADDRESS_PARTS)[number], Key> = {
  house_number: "houseNumber",
  village: "village",
  road: "road",
  subdistrict: "subdistrict",
  district: "district",
  province: "province",
  postcode: "postcode",
};
const POSTCODE = /^[1-9][0-9]{4}$/;
export const ACCEPTED_FILES = "application/pdf,image/jpeg,image/png";
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export const STATES = [
  "draft",
  "submitted",
  "in_review",
  "more_information_requested",
  "approved",
  "rejected",
  "fee_due",
  "paid",
  "document_issued",
  "closed",
] as const;

export function stateName(language: Language, state: string): string {
  return (STATES as readonly string[]).includes(state) ? translate(language, `state_${state}` as Key) : state;
}

// --- field messages ------------------------------------------------------------------------------

/** The server's message for one field (backend/applications/forms.py, in English) said in the
 * citizen's language, as a sentence that names the field. Unknown messages are shown as sent. */
export function fieldMessage(language: Language, field: FormField | undefined, message: string): string {
  const t = (key: Key) => translate(language, key);
  const name = field ? pick(language, field, "label") : "";
  if (message === "is required") {
    const key: Key =
      field?.kind === "file" ? "errRequiredFile" : field?.kind === "choice" ? "errRequiredChoice" : "errRequired";
    return fill(t(key), { label: name });
  }
  const rules: [RegExp, Key, ((found: string) => string)?][] = [
    [/^must be at most (\d+) characters$/, "errTooLong"],
    [/^must be at least (\d+) characters$/, "errTooShort"],
    [/^(?:is not in the expected format|must be text)$/, "errFormat"],
    [/^must be a number$/, "errNumber"],
    [/^must be a whole number$/, "errWhole"],
    [/^must be at least (\S+)$/, "errMin"],
    [/^must be at most (\S+)$/, "errMax"],
    [/^must be on or after (\d{4}-\d\d-\d\d)$/, "errDateAfter", (day) => formatDate(language, day)],
    [/^must be on or before (\d{4}-\d\d-\d\d)$/, "errDateBefore", (day) => formatDate(language, day)],
    [/^must be a date/, "errDate"],
    [/^(?:is not one of the choices offered|names a choice twice|must be a list of choices)$/, "errChoice"],
    [
      /^is missing: (.+)$/,
      "errMissing",
      (parts) =>
        parts
          .split(", ")
          .map((part) => (part in ADDRESS_WORDS ? t(ADDRESS_WORDS[part as keyof typeof ADDRESS_WORDS]) : part))
          .join(", "),
    ],
    [/^postcode must be five digits$/, "errPostcode"],
    [/^takes at most (\d+) file/, "errMaxFiles"],
  ];
  for (const [pattern, key, shown] of rules) {
    const found = pattern.exec(message);
    if (found) {
      const n = found[1] === undefined ? "" : shown ? shown(found[1]) : found[1];
      return name ? fill(t("errorLine"), { label: name, message: fill(t(key), { n }) }) : fill(t(key), { n });
    }
  }
  return name ? fill(t("errorLine"), { label: name, message }) : message;
}

/** Why an upload was refused (backend/applications/files.py), in the citizen's language. */
export function uploadMessage(language: Language, detail: string, status = 400): string {
  // Busy or failing on our side: not the file's fault, so not told as a refusal.
  if (status === 429 || status >= 500) return problemWords(language, { status, title: "", detail });
  const t = (key: Key) => translate(language, key);
  const known: [RegExp, Key][] = [
    [/^The file is empty/, "fileEmpty"],
    [/^The file is larger than/, "fileTooBig"],
    [/^Only PDF, JPEG or PNG/, "fileWrongType"],
    [/^The file's name ends in/, "fileNameMismatch"],
  ];
  const match = known.find(([pattern]) => pattern.test(detail));
  // In English the server's own words; in Thai, ours for the refusals we know.
  return `${t("fileRefused")}: ${match ? tr(language, { th: t(match[1]), en: detail }) : problemWords(language, { status, title: "", detail })}`;
}

// --- saving a draft ------------------------------------------------------------------------------

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.values(value as object).every((part) => isEmpty(part));
  return false;
}

/** What a draft save sends: empty answers left out, and a postcode only once it is whole (while it is
 * being typed, "1010" would be refused and nothing else saved). */
export function forSaving(form: { fields: FormField[] }, answers: Answers): Answers {
  const saved: Answers = {};
  for (const field of form.fields) {
    const value = answers[field.name];
    if (isEmpty(value)) continue;
    if (field.kind === "thai_address") {
      const address = { ...(value as Address) };
      if (address.postcode !== undefined && !POSTCODE.test(address.postcode)) delete address.postcode;
      saved[field.name] = address;
    } else {
      saved[field.name] = value;
    }
  }
  return saved;
}

export function postcodeLooksWrong(postcode: string | undefined): boolean {
  return !!postcode && !POSTCODE.test(postcode);
}

// --- the timeline --------------------------------------------------------------------------------

export type StepKey = "submitted" | "review" | "approval" | "fee" | "document" | "closed";
export type StepStatus = "done" | "current" | "upcoming" | "stopped" | "failed";
export interface Step {
  key: StepKey;
  status: StepStatus;
  events: EventView[];
}

const STEP_OF_STATE: Record<string, StepKey> = {
  submitted: "submitted",
  in_review: "review",
  more_information_requested: "review",
  approved: "approval",
  rejected: "approval",
  fee_due: "fee",
  paid: "fee",
  document_issued: "document",
  closed: "closed",
};

interface Reached {
  done: number;
  current: number | null;
  failed: number | null;
}

function reached(state: string, keys: StepKey[]): Reached {
  const at = (key: StepKey) => keys.indexOf(key);
  const approval = at("approval");
  switch (state) {
    case "draft":
      return { done: -1, current: 0, failed: null };
    case "submitted":
    case "in_review":
    case "more_information_requested":
      return { done: 0, current: at("review"), failed: null };
    case "approved":
    case "fee_due":
      return { done: approval, current: approval + 1, failed: null };
    case "paid":
      return { done: at("fee") === -1 ? approval : at("fee"), current: at("document"), failed: null };
    case "document_issued":
      return { done: at("document"), current: null, failed: null };
    case "rejected":
      return { done: at("review"), current: null, failed: approval };
    default:
      return { done: -1, current: 0, failed: null };
  }
}

/** The national plan's steps (sent, review, approval, fee payment, document issued; the fee only when
 * there is one), each done, current or to come, with the events that belong to it. A rejected or
 * withdrawn application shows where it stopped, and a last "closed" step with its note. */
export function stepsOf(application: ApplicationView): Step[] {
  const hasFee =
    application.service_fee_satang !== null ||
    application.bill !== null ||
    application.events.some((event) => event.to_state === "fee_due");
  const keys: StepKey[] = ["submitted", "review", "approval", ...(hasFee ? (["fee"] as StepKey[]) : []), "document"];
  let state = application.state;
  const closed = state === "closed";
  if (closed) {
    const last = [...application.events].reverse().find((event) => event.to_state === "closed");
    state = application.document_id ? "document_issued" : last?.from_state ?? "draft";
  }
  const { done, current, failed } = reached(state, keys);
  const ended = closed || state === "rejected";
  const steps: Step[] = keys.map((key, index) => ({
    key,
    status:
      index <= done
        ? "done"
        : index === failed
          ? "failed"
          : index === current && !closed
            ? "current"
            : ended
              ? "stopped"
              : "upcoming",
    events: application.events.filter((event) => STEP_OF_STATE[event.to_state] === key),
  }));
  if (closed) {
    steps.push({ key: "closed", status: "done", events: application.events.filter((e) => e.to_state === "closed") });
  }
  return steps;
}

export const STEP_WORDS: Record<StepKey, Key> = {
  submitted: "stepSubmitted",
  review: "stepReview",
  approval: "stepApproval",
  fee: "stepFee",
  document: "stepDocument",
  closed: "stepClosed",
};
export const STATUS_WORDS: Record<StepStatus, Key> = {
  done: "stepDone",
  current: "stepCurrent",
  upcoming: "stepUpcoming",
  stopped: "stepStopped",
  failed: "stepFailed",
};

// --- small helpers -------------------------------------------------------------------------------

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Today in Thailand as YYYY-MM-DD (the forms' "today" bound). */
export function todayInThailand(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Bangkok" }).format(now);
}

export function dateBound(bound: string | null | undefined): string | undefined {
  return bound === null || bound === undefined ? undefined : bound === "today" ? todayInThailand() : bound;
}

/** An SVG (the share link's QR code) as an image address. */
export function svgDataUrl(svg: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(svg)) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}

/** A verification code as typed: spaces and dashes dropped, Crockford's look-alikes read as digits. */
export function normaliseCode(typed: string): string {
  return typed
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
}

/** "K7QF9M2X4TPA1B2C" -> "K7QF-9M2X-4TPA-1B2C": easier to read aloud and to compare with the paper. */
export function groupCode(code: string): string {
  return (code.match(/.{1,4}/g) ?? [code]).join("-");
}
