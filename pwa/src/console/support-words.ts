// The support console's payment screens' words, Thai and English (support-payments.tsx): money that did
// not fit a bill and refunds waiting for the bank. Kept apart from words.ts, which every console loads.
import { type Language, localizer } from "../i18n";
import { useApp } from "../state";

const words = {
  exceptionsIntro: {
    th: "เงินที่ธนาคารโอนเข้ามาแต่ไม่ตรงกับบิล ไม่มีการทิ้ง เจ้าหน้าที่ตัดสินว่าจะรับเป็นการชำระบิล หรือขอให้ธนาคารคืนเงินให้ผู้โอน",
    en: "Money a bank sent that did not fit a bill is never dropped: decide whether to take it as the bill's payment or ask the bank to return it to the payer.",
  },
  openExceptions: { th: "รายการที่รอตัดสิน", en: "Waiting for a decision" },
  noExceptions: { th: "ไม่มีรายการที่รอตัดสิน", en: "Nothing is waiting for a decision." },
  bankSent: { th: "ธนาคารโอนมา", en: "The bank sent" },
  bill: { th: "บิล", en: "Bill" },
  billIsFor: { th: "บิลเรียกเก็บ", en: "The bill is for" },
  noBillFound: { th: "ไม่พบบิล", en: "No bill found" },
  bank: { th: "ธนาคาร", en: "Bank" },
  arrived: { th: "เงินเข้าเมื่อ", en: "Arrived" },
  note: { th: "บันทึกเหตุผล (จำเป็น หน่วยงานและผู้ตรวจสอบจะเห็น)", en: "Why (required; the agency and auditors see it)" },
  noteRequired: { th: "โปรดเขียนเหตุผลก่อนตัดสิน", en: "Write why before deciding." },
  accept: { th: "รับเป็นการชำระบิล", en: "Accept as the bill's payment" },
  refund: { th: "ขอคืนเงินให้ผู้โอน", en: "Refund the payer" },
  refundOnly: { th: "รายการนี้คืนเงินได้อย่างเดียว", en: "This money can only be refunded." },
  confirmAccept: {
    th: "รับเงินจำนวนนี้เป็นการชำระบิล และออกใบเสร็จให้ประชาชน? ย้อนกลับไม่ได้",
    en: "Take this money as the bill's payment and issue the citizen a receipt? This cannot be undone.",
  },
  yesAccept: { th: "ใช่ รับเงินและออกใบเสร็จ", en: "Yes, accept and issue a receipt" },
  confirmRefund: { th: "ขอให้ธนาคารคืนเงินจำนวนนี้ให้ผู้โอน? ย้อนกลับไม่ได้", en: "Ask the bank to return this money to the payer? This cannot be undone." },
  yesRefund: { th: "ใช่ ขอคืนเงิน", en: "Yes, ask for the refund" },
  goBack: { th: "ไม่ใช่ กลับไป", en: "No, go back" },
  acceptedReceipt: { th: "รับเงินแล้ว ออกใบเสร็จเลขที่", en: "Accepted. Receipt number" },
  refundRequested: { th: "ส่งคำขอคืนเงินแล้ว รอคำตอบจากธนาคาร (ด้านล่าง)", en: "Refund requested: it waits below for the bank's answer." },
  refundsWaiting: { th: "การคืนเงินที่รอคำตอบจากธนาคาร", en: "Refunds waiting for the bank's answer" },
  noRefundsWaiting: { th: "ไม่มีการคืนเงินที่รอคำตอบ", en: "No refund is waiting for the bank's answer." },
  requested: { th: "ขอเมื่อ", en: "Requested" },
  reason: { th: "เหตุผล", en: "Reason" },
  bankReturned: { th: "ธนาคารคืนเงินแล้ว", en: "The bank returned it" },
  bankFailed: { th: "ธนาคารคืนเงินไม่สำเร็จ", en: "The bank could not return it" },
  confirmReturned: {
    th: "บันทึกว่าธนาคารคืนเงินแล้ว? หน่วยงานจะได้รับแจ้ง และแก้ไขภายหลังไม่ได้",
    en: "Record that the bank returned the money? The agency is told, and it cannot be changed later.",
  },
  confirmFailed: {
    th: "บันทึกว่าธนาคารคืนเงินไม่สำเร็จ? หน่วยงานจะได้รับแจ้ง และแก้ไขภายหลังไม่ได้",
    en: "Record that the bank could not return the money? The agency is told, and it cannot be changed later.",
  },
  yesRecord: { th: "ใช่ บันทึกคำตอบของธนาคาร", en: "Yes, record the bank's answer" },
  answerRecorded: { th: "บันทึกคำตอบของธนาคารแล้ว:", en: "The bank's answer is recorded:" },
} satisfies Record<string, Record<Language, string>>;

export type SupportWord = keyof typeof words;

/** The support payment screens' words: `s(word)`. */
export function useSupportWords() {
  const { language } = useApp();
  const say = localizer(words, language);
  return { ...say, s: say.t };
}

/** Every word, for the unit test that checks none is missing or left untranslated. */
export const allSupportWords: Readonly<Record<SupportWord, Record<Language, string>>> = words;
