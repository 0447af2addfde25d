// Paying from the same phone: the QR panel.
import type { Bilingual } from "./index";

export const payingWords = {
  // Paying from the same phone: the QR panel
  payTitle: { th: "ชำระบิลด้วย Thai QR", en: "Pay this bill by Thai QR" },
  payFor: { th: "ชำระค่า", en: "Paying for" },
  close: { th: "ปิด", en: "Close" },
  closePayment: { th: "หน้าชำระเงิน", en: "the payment" },
  otherPhone: {
    th: "ถ้ามีโทรศัพท์อีกเครื่อง: เปิดแอปธนาคารแล้วสแกน QR นี้",
    en: "With another phone: open your bank app and scan this QR.",
  },
  samePhoneTitle: { th: "ชำระด้วยโทรศัพท์เครื่องนี้", en: "Paying with this phone" },
  samePhone1: { th: "กด “บันทึกรูป QR” รูปจะอยู่ในอัลบั้มรูปหรือไฟล์ดาวน์โหลด", en: "Press “Save the QR image”. It goes to your photos or downloads." },
  samePhone2: { th: "เปิดแอปธนาคาร เลือก “สแกน” แล้วเลือก “รูปภาพ” หรือ “อัลบั้ม”", en: "Open your bank app, choose “Scan”, then choose “Photo” or “Album”." },
  samePhone3: { th: "เลือกรูป QR ที่บันทึกไว้ ตรวจยอดเงินแล้วยืนยัน", en: "Pick the QR image you saved, check the amount and confirm." },
  samePhone4: { th: "กลับมาที่แอปนี้ จะขึ้นว่า “ชำระแล้ว” พร้อมใบเสร็จ", en: "Come back to this app: it shows “Paid” and your receipt." },
  saveQr: { th: "บันทึกรูป QR", en: "Save the QR image" },
  shareQr: { th: "บันทึกหรือส่งรูป QR", en: "Save or send the QR image" },
  copyQr: { th: "คัดลอกรหัส QR", en: "Copy the QR code text" },
  qrCopied: { th: "คัดลอกรหัส QR แล้ว วางในแอปธนาคารที่รับการวางรหัสได้", en: "QR code text copied. Paste it in a bank app that accepts pasted codes." },
  copyFailed: { th: "คัดลอกไม่ได้ กดค้างที่รหัสด้านล่างเพื่อคัดลอกเอง", en: "Could not copy. Press and hold the text below to copy it yourself." },
  qrText: { th: "รหัส QR (ข้อความ)", en: "QR code as text" },
  qrExpiredExplain: {
    th: "QR นี้ใช้ชำระไม่ได้แล้ว ยังไม่มีการตัดเงิน สร้าง QR ใหม่เพื่อชำระ",
    en: "This QR can no longer be paid. No money was taken. Make a new QR to pay.",
  },
  newQr: { th: "สร้าง QR ใหม่", en: "Make a new QR" },
  makingQr: { th: "กำลังสร้าง QR ใหม่…", en: "Making a new QR…" },
  paymentFailed: { th: "การชำระเงินไม่สำเร็จ ยังไม่มีการตัดเงิน", en: "The payment did not go through. No money was taken." },
  qrAlt: { th: "Thai QR สำหรับชำระ {amount}", en: "Thai QR to pay {amount}" },
} satisfies Record<string, Bilingual>;
