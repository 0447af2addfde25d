// Why a message or payment went as it did, in the console's language. The backend records these reasons
// in English sentences (support's record, kept as written); each known one is said here in Thai, and
// one this list does not know yet is named as a system detail, its original text behind a disclosure.
import type { Language } from "../i18n";
import { label } from "../vocabulary";

type Rule = [RegExp, (found: RegExpExecArray, language: Language) => string];

const RULES: Rule[] = [
  [/^(.*) Gave up after (\d+) attempts\.$/, (m, l) => `${said(l, m[1])} เลิกลองหลังจาก ${m[2]} ครั้ง`],
  [/^Accepted by the push service\.$/, () => "บริการส่งการแจ้งเตือนรับข้อความแล้ว"],
  [/^The device is no longer subscribed \((\d+)\): it was removed\.$/, (m) => `อุปกรณ์เลิกรับการแจ้งเตือนแล้ว (${m[1]}) จึงนำออกจากรายการ`],
  [/^The message was too large for the push service \(413\)\.$/, () => "ข้อความใหญ่เกินกว่าที่บริการส่งการแจ้งเตือนรับได้ (413)"],
  [/^The push service asked us to slow down \(429\); retrying\.$/, () => "บริการส่งการแจ้งเตือนขอให้ส่งช้าลง (429) ระบบจะลองอีกครั้ง"],
  [/^The device was removed before the push\.$/, () => "อุปกรณ์ถูกนำออกก่อนถึงเวลาส่ง"],
  [/^The push could not be sent \((\w+)\)\.$/, (m) => `ส่งการแจ้งเตือนไม่ได้ (${m[1]})`],
  [/^The device's push address .*; it was removed\.$/, () => "ที่อยู่รับการแจ้งเตือนของอุปกรณ์ใช้ไม่ได้ จึงนำออกจากรายการ"],
  [/^The device's keys cannot be used \((\w+)\)\.$/, (m) => `กุญแจเข้ารหัสของอุปกรณ์ใช้ไม่ได้ (${m[1]})`],
  [/^The device's push address was refused/, () => "ที่อยู่รับการแจ้งเตือนของอุปกรณ์ไม่ผ่านการตรวจสอบความปลอดภัย"],
  [/^The device's push service resolves to a private address\.$/, () => "บริการส่งการแจ้งเตือนของอุปกรณ์ชี้ไปยังที่อยู่ภายใน จึงไม่ส่ง"],
  [/^The push service could not be reached \((\w+)\); retrying\.$/, (m) => `ติดต่อบริการส่งการแจ้งเตือนไม่ได้ (${m[1]}) ระบบจะลองอีกครั้ง`],
  [/^The push service failed \((\d+)\); retrying\.$/, (m) => `บริการส่งการแจ้งเตือนขัดข้อง (${m[1]}) ระบบจะลองอีกครั้ง`],
  [/^The push service refused our request \((\d+)\)\.$/, (m) => `บริการส่งการแจ้งเตือนปฏิเสธคำขอ (${m[1]})`],
  [/^no devices: the message is in the inbox only$/, () => "ไม่มีอุปกรณ์: ข้อความอยู่ในกล่องข้อความในแอปเท่านั้น"],
  [/^Quiet hours: the push waits until (\d\d:\d\d)\.$/, (m) => `อยู่ในช่วงงดรบกวน จะแจ้งเตือนเวลา ${m[1]} น.`],
  [/^The citizen turned off messages from this agency\.$/, () => "ประชาชนปิดรับข้อความจากหน่วยงานนี้"],
  [/^The citizen turned off (.+) messages\.$/, (m) => `ประชาชนปิดรับข้อความหมวด${label("th", "messageCategory", m[1])}`],
  [/^QR shown$/, () => "แสดง QR ให้ประชาชนแล้ว"],
  [/^not paid in time$/, () => "ไม่ได้ชำระภายในเวลาที่กำหนด"],
  [/^The bill was paid by another payment\.$/, () => "บิลนี้ชำระแล้วด้วยการชำระอีกรายการ"],
  [/^The agency cancelled the bill\.$/, () => "หน่วยงานยกเลิกบิลนี้"],
  [/^The agency closed the application\.$/, () => "หน่วยงานปิดคำขอนี้"],
];

/** The reason in the reader's language, or null when it is one this list does not know. */
export function said(language: Language, reason: string): string {
  if (language === "en") return reason;
  for (const [pattern, words] of RULES) {
    const found = pattern.exec(reason);
    if (found) return words(found, language);
  }
  return "";
}

export function Reason({ language, reason }: { language: Language; reason: string | null | undefined }) {
  if (!reason) return null;
  const words = said(language, reason);
  if (words) return <>{words}</>;
  return (
    <details class="system-detail">
      <summary>รายละเอียดจากระบบ</summary>
      <span lang="en">{reason}</span>
    </details>
  );
}
