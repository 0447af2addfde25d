// The fields the API names in a refused request's errors[] ("$.national_id", "fields[2].label_th"), in
// words: a problem told at the top of a form says which field in the reader's language, never the
// API's name for it. Fields named here are those the consoles send; any other is "a field".
import { type Bilingual, type Language, tr } from "../i18n";

const FIELD_WORDS: Readonly<Record<string, Bilingual>> = {
  national_id: { th: "เลขประจำตัวประชาชน", en: "National ID number" },
  note: { th: "บันทึกเหตุผล", en: "Note" },
  note_th: { th: "หมายเหตุ (ไทย)", en: "Note (Thai)" },
  note_en: { th: "หมายเหตุ (อังกฤษ)", en: "Note (English)" },
  reason: { th: "เหตุผล", en: "Reason" },
  comment: { th: "ความเห็น", en: "Comment" },
  amount_satang: { th: "จำนวนเงิน", en: "Amount" },
  fee_satang: { th: "ค่าธรรมเนียม", en: "Fee" },
  due_date: { th: "วันครบกำหนดชำระ", en: "Due date" },
  biller_id: { th: "รหัสผู้เรียกเก็บเงิน (Biller ID)", en: "Biller ID" },
  ref1: { th: "เลขอ้างอิง 1", en: "Reference 1" },
  ref2: { th: "เลขอ้างอิง 2", en: "Reference 2" },
  title_th: { th: "ชื่อ (ไทย)", en: "Title (Thai)" },
  title_en: { th: "ชื่อ (อังกฤษ)", en: "Title (English)" },
  description_th: { th: "คำอธิบาย (ไทย)", en: "Description (Thai)" },
  description_en: { th: "คำอธิบาย (อังกฤษ)", en: "Description (English)" },
  body_th: { th: "ข้อความ (ไทย)", en: "Message (Thai)" },
  body_en: { th: "ข้อความ (อังกฤษ)", en: "Message (English)" },
  text_th: { th: "ข้อความ (ไทย)", en: "Text (Thai)" },
  text_en: { th: "ข้อความ (อังกฤษ)", en: "Text (English)" },
  label_th: { th: "ชื่อช่อง (ไทย)", en: "Label (Thai)" },
  label_en: { th: "ชื่อช่อง (อังกฤษ)", en: "Label (English)" },
  help_th: { th: "คำอธิบายช่อง (ไทย)", en: "Help (Thai)" },
  help_en: { th: "คำอธิบายช่อง (อังกฤษ)", en: "Help (English)" },
  purpose_th: { th: "วัตถุประสงค์ (ไทย)", en: "Purpose (Thai)" },
  purpose_en: { th: "วัตถุประสงค์ (อังกฤษ)", en: "Purpose (English)" },
  fields_th: { th: "ข้อมูลที่ส่งกลับ (ไทย)", en: "Data returned (Thai)" },
  fields_en: { th: "ข้อมูลที่ส่งกลับ (อังกฤษ)", en: "Data returned (English)" },
  who_can_apply_th: { th: "ผู้มีสิทธิ์ยื่น (ไทย)", en: "Who can apply (Thai)" },
  who_can_apply_en: { th: "ผู้มีสิทธิ์ยื่น (อังกฤษ)", en: "Who can apply (English)" },
  name: { th: "ชื่อ", en: "Name" },
  url: { th: "ลิงก์", en: "Link" },
  link_url: { th: "ลิงก์", en: "Link" },
  base_url: { th: "ที่อยู่ของบริการ (URL)", en: "Service address (URL)" },
  icon: { th: "ไอคอน", en: "Icon" },
  category: { th: "หมวดหมู่", en: "Category" },
  kind: { th: "ประเภท", en: "Kind" },
  keywords: { th: "คำค้น", en: "Search words" },
  synonyms: { th: "ชื่อเรียกอื่น", en: "Other names" },
  life_events: { th: "ช่วงชีวิต", en: "Life events" },
  template: { th: "แม่แบบข้อความ", en: "Template" },
  params: { th: "ข้อมูลในแม่แบบ", en: "Template details" },
  send_at: { th: "เวลาส่ง", en: "Send time" },
  audience: { th: "ผู้รับ", en: "Audience" },
  min_age: { th: "อายุตั้งแต่", en: "Minimum age" },
  max_age: { th: "อายุไม่เกิน", en: "Maximum age" },
  role: { th: "บทบาท", en: "Role" },
  scopes: { th: "สิทธิ์", en: "Scopes" },
  code: { th: "รหัส", en: "Code" },
  service_point: { th: "จุดบริการ", en: "Service point" },
  api_key: { th: "คีย์ API", en: "API key" },
  api_key_header: { th: "ชื่อ header ของคีย์ API", en: "API key header" },
  timeout_ms: { th: "เวลารอคำตอบ", en: "Timeout" },
  retries: { th: "จำนวนครั้งที่ลองใหม่", en: "Retries" },
  cache_seconds: { th: "เวลาเก็บคำตอบ", en: "Cache time" },
  consent_days: { th: "อายุความยินยอม (วัน)", en: "Consent lasts (days)" },
  value: { th: "ค่าที่กรอก", en: "Value" },
};
const ANY_FIELD: Bilingual = { th: "ช่องหนึ่งในแบบฟอร์ม", en: "A field" };

/** The field an API error names ("$.details[0].value": its last part, "value"), in words. */
export function fieldName(language: Language, field: string): string {
  const last = field.replace(/^\$\./, "").split(".").pop()?.replace(/\[\d+\]$/, "") ?? "";
  return tr(language, Object.prototype.hasOwnProperty.call(FIELD_WORDS, last) ? FIELD_WORDS[last] : ANY_FIELD);
}

/** Every field's words, for the unit test. */
export const allFieldWords = FIELD_WORDS;
