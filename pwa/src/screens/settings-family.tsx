// Parents of children under 15 and guardians (docs/delegation.md, "Parents and guardians"): the adult
// names the child by national ID and birth date; the registry the platform trusts confirms it, and the
// adult acts for the child at once (no acceptance). Needs a recent login, as granting does.
import { useState } from "preact/hooks";

import { ApiError, request, stepUpUrl } from "../api";
import type { Bilingual } from "../i18n";
import { useApp } from "../state";
import { ErrorNotice } from "../ui/notice";

type Relationship = "parent" | "guardian";

const MONTHS: Bilingual[] = [
  { th: "มกราคม", en: "January" }, { th: "กุมภาพันธ์", en: "February" }, { th: "มีนาคม", en: "March" },
  { th: "เมษายน", en: "April" }, { th: "พฤษภาคม", en: "May" }, { th: "มิถุนายน", en: "June" },
  { th: "กรกฎาคม", en: "July" }, { th: "สิงหาคม", en: "August" }, { th: "กันยายน", en: "September" },
  { th: "ตุลาคม", en: "October" }, { th: "พฤศจิกายน", en: "November" }, { th: "ธันวาคม", en: "December" },
];

/** The ISO day of a birth date typed as day, month and year (Buddhist era in Thai), or null. */
export function birthDate(day: string, month: number, year: string, buddhistEra: boolean): string | null {
  const d = Number(day);
  const y = Number(year) - (buddhistEra ? 543 : 0);
  if (!Number.isInteger(d) || !Number.isInteger(y) || y < 1900 || month < 1 || month > 12) return null;
  const date = new Date(Date.UTC(y, month - 1, d));
  if (date.getUTCDate() !== d || date.getUTCMonth() !== month - 1) return null;
  return date.toISOString().slice(0, 10);
}

/** A refusal in the parent's words; "not confirmed" never says "not your child". */
export function familyRefusal(error: ApiError): { field: "national_id" | "birthdate" | null; words: Bilingual } | null {
  const fields = (error.errors ?? []).map((item) => `${item.field}:${item.message}`);
  if (fields.includes("birthdate:is 15 or over"))
    return {
      field: "birthdate",
      words: {
        th: "เด็กอายุ 15 ปีขึ้นไปแล้ว ให้เด็กเข้าสู่ระบบเองแล้วขอให้คุณทำแทนจากแอปของเด็ก",
        en: "The child is 15 or over: they log in themselves and ask you to act for them from their app",
      },
    };
  if (fields.some((field) => field.startsWith("birthdate:")))
    return { field: "birthdate", words: { th: "วันเกิดไม่ถูกต้อง", en: "That birth date is not valid" } };
  if (fields.includes("national_id:is your own"))
    return { field: "national_id", words: { th: "ใส่เลขประจำตัวประชาชนของเด็ก ไม่ใช่ของคุณเอง", en: "Enter the child's national ID, not your own" } };
  if (fields.some((field) => field.startsWith("national_id:")))
    return { field: "national_id", words: { th: "เลขประจำตัวประชาชนไม่ถูกต้อง ตรวจสอบทั้ง 13 หลัก", en: "That national ID number is not valid: check all 13 digits" } };
  if (error.type === "/problems/relationship-not-confirmed")
    return {
      field: null,
      words: {
        th: "ทะเบียนไม่ยืนยันความสัมพันธ์นี้ ตรวจสอบเลขประจำตัวประชาชนและวันเกิดของเด็กอีกครั้ง หรือติดต่อสำนักงานเขตหรืออำเภอ",
        en: "The registry did not confirm this. Check the child's national ID and birth date, or ask at your district office.",
      },
    };
  if (error.type === "/problems/registry-unavailable")
    return {
      field: null,
      words: {
        th: "ขณะนี้ตรวจสอบกับทะเบียนไม่ได้ ยังไม่มีอะไรเปลี่ยนแปลง โปรดลองใหม่ภายหลัง",
        en: "The registry cannot be checked right now. Nothing was changed: please try again later.",
      },
    };
  if (error.type === "/problems/too-many-delegations")
    return {
      field: null,
      words: {
        th: "คุณทำแทนคนอื่นครบจำนวนสูงสุดแล้ว เลิกทำแทนใครสักคนก่อน แล้วลองอีกครั้ง",
        en: "You already act for as many people as one may. Stop acting for someone first, then try again.",
      },
    };
  if (error.status === 409)
    return { field: null, words: { th: "คุณทำแทนเด็กคนนี้อยู่แล้ว", en: "You already act for this child" } };
  return null;
}

export function FamilyForm({ onAdded }: { onAdded: (said: Bilingual) => void }) {
  const { tr, language, problem: say } = useApp();
  const [relationship, setRelationship] = useState<Relationship>("parent");
  const [nationalId, setNationalId] = useState("");
  const [day, setDay] = useState("");
  const [month, setMonth] = useState(1);
  const [year, setYear] = useState("");
  const [fieldError, setFieldError] = useState<{ field: "national_id" | "birthdate"; words: Bilingual } | null>(null);
  const [problem, setProblem] = useState<Bilingual | string>("");

  async function add(event: Event) {
    event.preventDefault();
    setProblem("");
    setFieldError(null);
    if (!/^\d{13}$/.test(nationalId)) {
      setFieldError({ field: "national_id", words: { th: "ใส่เลขประจำตัวประชาชน 13 หลักของเด็ก", en: "Enter the child's 13-digit national ID number" } });
      return;
    }
    const birthdate = birthDate(day, month, year, language === "th");
    if (!birthdate) {
      setFieldError({ field: "birthdate", words: { th: "ใส่วันเกิดของเด็กให้ครบ (ปี พ.ศ.)", en: "Enter the child's full birth date" } });
      return;
    }
    try {
      const made = await request("POST", "/api/v1/me/delegations/family", {
        body: { relationship, national_id: nationalId, birthdate },
      });
      setNationalId("");
      setDay("");
      setYear("");
      onAdded({
        th: `ทะเบียนยืนยันแล้ว คุณทำแทน ${made.data.other.name_th} ได้ตั้งแต่วันนี้`,
        en: `The registry confirmed it: you can act for ${made.data.other.name_en} from today`,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) return;
      const stepUp = stepUpUrl(error, "/settings");
      if (stepUp) {
        window.location.assign(stepUp);
        return;
      }
      const said = familyRefusal(error);
      if (said?.field) setFieldError({ field: said.field, words: said.words });
      else setProblem(said ? said.words : say(error));
    }
  }

  const errorOf = (field: "national_id" | "birthdate") =>
    fieldError?.field === field ? <span class="field-error" role="alert" id={`family-${field}-error`}>{tr(fieldError.words)}</span> : null;

  return (
    <form class="family" onSubmit={(event) => void add(event)} noValidate>
      <h3>{tr({ th: "ทำแทนบุตรหรือผู้อยู่ในปกครอง", en: "Act for your child or ward" })}</h3>
      <p class="meta">
        {tr({
          th: "บิดามารดาทำแทนบุตรอายุต่ำกว่า 15 ปีได้ทันทีเมื่อทะเบียนราษฎรยืนยัน ไม่ต้องให้เด็กตอบรับ และสิ้นสุดเองก่อนวันเกิดครบ 15 ปี ผู้ปกครองตามกฎหมายทำแทนได้จนกว่าทะเบียนผู้ปกครองแจ้งว่าสิ้นสุด",
          en: "A parent acts for a child under 15 as soon as the civil registry confirms it, with no acceptance needed; it ends by itself before the 15th birthday. A legal guardian acts until the guardianship register says it ended.",
        })}
      </p>
      <fieldset>
        <legend>{tr({ th: "คุณเป็น", en: "You are the child's" })}</legend>
        <label class="choice block">
          <input type="radio" name="relationship" checked={relationship === "parent"} onChange={() => setRelationship("parent")} />
          {tr({ th: "บิดาหรือมารดา", en: "Parent" })}
        </label>
        <label class="choice block">
          <input type="radio" name="relationship" checked={relationship === "guardian"} onChange={() => setRelationship("guardian")} />
          {tr({ th: "ผู้ปกครองตามกฎหมาย", en: "Legal guardian" })}
        </label>
      </fieldset>
      <label class="field">
        <span>{tr({ th: "เลขประจำตัวประชาชนของเด็ก", en: "The child's national ID number" })}</span>
        <input
          name="child_national_id"
          inputMode="numeric"
          autoComplete="off"
          maxLength={13}
          value={nationalId}
          aria-invalid={fieldError?.field === "national_id"}
          aria-describedby={fieldError?.field === "national_id" ? "family-national_id-error" : undefined}
          onInput={(event) => setNationalId(event.currentTarget.value.replace(/\D/g, ""))}
        />
        {errorOf("national_id")}
      </label>
      <fieldset aria-describedby={fieldError?.field === "birthdate" ? "family-birthdate-error" : undefined}>
        <legend>{tr({ th: "วันเกิดของเด็ก", en: "The child's date of birth" })}</legend>
        <div class="date-parts">
          <label class="field">
            <span>{tr({ th: "วันที่", en: "Day" })}</span>
            <input name="child_day" inputMode="numeric" maxLength={2} value={day} onInput={(event) => setDay(event.currentTarget.value.replace(/\D/g, ""))} />
          </label>
          <label class="field">
            <span>{tr({ th: "เดือน", en: "Month" })}</span>
            <select name="child_month" value={String(month)} onChange={(event) => setMonth(Number(event.currentTarget.value))}>
              {MONTHS.map((words, index) => (
                <option key={index} value={String(index + 1)}>
                  {tr(words)}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            <span>{tr({ th: "ปี พ.ศ.", en: "Year" })}</span>
            <input name="child_year" inputMode="numeric" maxLength={4} value={year} onInput={(event) => setYear(event.currentTarget.value.replace(/\D/g, ""))} />
          </label>
        </div>
        {errorOf("birthdate")}
      </fieldset>
      <ErrorNotice text={typeof problem === "string" ? problem : tr(problem)} />
      <button type="submit" class="primary">
        {tr({ th: "ตรวจสอบกับทะเบียนและเริ่มทำแทน", en: "Check with the registry and start" })}
      </button>
    </form>
  );
}
