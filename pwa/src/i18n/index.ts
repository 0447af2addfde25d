// Thai first, English one tap away. Every string the app shows is in this folder, one file an area of
// the app, and here the one helper that says anything in the citizen's language: `t(key)` for these
// words, `tr({ th, en })` for a pair written in place, `pick(item, "title")` for a field the API sends
// in both languages (title_th, title_en).
import { appWords } from "./app";
import { applicationWords } from "./applications";
import { documentWords } from "./documents";
import { payingWords } from "./paying";

export type Language = "th" | "en";

// A key in two areas would be one word silently lost: the i18n test finds it.
const strings = { ...appWords, ...applicationWords, ...documentWords, ...payingWords };

export type Key = keyof typeof strings;

/** Anything written in both languages. */
export type Bilingual<T = string> = Record<Language, T>;

const LOCALES: Bilingual = { th: "th-TH", en: "en-GB" };
/** The other language: the one the language button offers. */
export const OTHER: Bilingual<Language> = { th: "en", en: "th" };

/** The locale dates and numbers are written in (Thai: the Buddhist era). */
export function locale(language: Language): string {
  return LOCALES[language];
}

export function translate(language: Language, key: Key): string {
  return strings[key][language];
}

/** One of a pair written in place, in this language: tr("en", { th: "ไทย", en: "English" }). */
export function tr<T>(language: Language, pair: Bilingual<T>): T {
  return pair[language];
}

/** The names F of the fields an object has in both languages: F_th and F_en ("title" for title_th). */
export type BilingualField<T> = {
  [K in keyof T]: K extends `${infer F}_th` ? (`${F}_en` extends keyof T ? F : never) : never;
}[keyof T];
type FieldIn<T, F extends string> = T[`${F}_${Language}` & keyof T];

/** One of an API object's bilingual fields in this language: pick("en", bill, "description"). */
export function pick<T extends object, F extends BilingualField<T>>(language: Language, item: T, field: F): FieldIn<T, F> {
  return (item as Record<string, unknown>)[`${field}_${language}`] as FieldIn<T, F>;
}

/** Like `pick`, falling back to the other language where this one is missing (a person's name). */
export function pickAny<T extends object, F extends BilingualField<T>>(
  language: Language,
  item: T,
  field: F,
): FieldIn<T, F> {
  return (pick(language, item, field) ?? pick(OTHER[language], item, field)) as FieldIn<T, F>;
}

/** Says things in one language from a dictionary of words (the citizen app's here, the console's own). */
export function localizer<K extends string>(words: Readonly<Record<K, Bilingual>>, language: Language) {
  const t = (key: K): string => words[key][language];
  return {
    language,
    t,
    /** A pair written in place: tr({ th: "ไทย", en: "English" }). */
    tr: <T>(pair: Bilingual<T>): T => tr(language, pair),
    pick: <T extends object, F extends BilingualField<T>>(item: T, field: F) => pick(language, item, field),
    pickAny: <T extends object, F extends BilingualField<T>>(item: T, field: F) => pickAny(language, item, field),
    /** The word for a value the API sends ("outcome_" + "timeout"), or the value itself if there is none. */
    named: (prefix: string, value: string): string =>
      Object.prototype.hasOwnProperty.call(words, prefix + value) ? t((prefix + value) as K) : value,
  };
}

export type Localizer<K extends string> = ReturnType<typeof localizer<K>>;

export function words(language: Language): Localizer<Key> {
  return localizer(strings, language);
}

export function formatDate(language: Language, value: string | Date, withTime = false): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return new Intl.DateTimeFormat(locale(language), {
    dateStyle: "medium",
    ...(withTime ? { timeStyle: "short" } : {}),
    timeZone: "Asia/Bangkok",
  }).format(date);
}

export function formatTime(language: Language, value: string | Date): string {
  return new Intl.DateTimeFormat(locale(language), {
    timeStyle: "short",
    timeZone: "Asia/Bangkok",
  }).format(typeof value === "string" ? new Date(value) : value);
}

/** Fills "{name}" places in a translated text. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export function formatBaht(language: Language, satang: number): string {
  const amount = new Intl.NumberFormat(locale(language), {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(satang / 100);
  return `${amount} ${translate(language, "baht")}`;
}
