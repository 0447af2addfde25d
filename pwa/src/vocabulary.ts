// Every code the API sends that a person may see (statuses, roles, categories, kinds), in Thai and
// English: one list for the citizen app and the staff consoles, so that no screen shows `unpaid` or
// `agency_editor`. tests/integration/test_vocabulary.py reads this file and checks that every value the
// database allows has both labels, so keep one entry a line, as written here.
import { type Language, tr } from "./i18n";

const vocabulary = {
  role: {
    agency_admin: { th: "ผู้ดูแลหน่วยงาน", en: "Agency administrator" },
    agency_editor: { th: "ผู้แก้ไขบริการของหน่วยงาน", en: "Agency editor" },
    agency_sender: { th: "ผู้ส่งข้อความของหน่วยงาน", en: "Agency message sender" },
    agency_officer: { th: "เจ้าหน้าที่พิจารณาคำขอ", en: "Agency case officer" },
    support: { th: "เจ้าหน้าที่ช่วยเหลือประชาชน", en: "Support staff" },
    platform_admin: { th: "ผู้ดูแลแพลตฟอร์ม", en: "Platform administrator" },
    counter_staff: { th: "เจ้าหน้าที่เคาน์เตอร์บริการ", en: "Counter staff" },
  },
  agencyStatus: {
    pending: { th: "รออนุมัติ", en: "Waiting for approval" },
    approved: { th: "อนุมัติแล้ว", en: "Approved" },
    suspended: { th: "ระงับแล้ว", en: "Suspended" },
  },
  connectorStatus: {
    pending: { th: "รอผู้ดูแลแพลตฟอร์มตรวจ", en: "Waiting for review" },
    returned: { th: "ส่งกลับให้แก้ไข", en: "Returned for changes" },
    active: { th: "ใช้งานอยู่", en: "Live" },
    disabled: { th: "ปิดใช้งาน", en: "Turned off" },
  },
  authKind: {
    none: { th: "ไม่มีการยืนยันตัวตน", en: "No authentication" },
    api_key: { th: "คีย์ API", en: "API key" },
    oauth_client_credentials: { th: "OAuth 2.0 แบบ client credentials", en: "OAuth 2.0 client credentials" },
    client_tls: { th: "ใบรับรองไคลเอนต์ (TLS)", en: "Client TLS certificate" },
  },
  circuit: {
    closed: { th: "ปกติ", en: "Working" },
    "half-open": { th: "กำลังลองเชื่อมต่อใหม่", en: "Trying again" },
    open: { th: "หยุดเรียกชั่วคราวเพราะล้มเหลวบ่อย", en: "Paused after repeated failures" },
  },
  category: {
    welfare: { th: "สวัสดิการ", en: "Welfare" },
    health: { th: "สุขภาพ", en: "Health" },
    family: { th: "ครอบครัว", en: "Family" },
    education: { th: "การศึกษา", en: "Education" },
    work: { th: "การทำงาน", en: "Work" },
    tax: { th: "ภาษี", en: "Tax" },
    utilities: { th: "สาธารณูปโภค", en: "Utilities" },
    documents: { th: "เอกสาร", en: "Documents" },
    transport: { th: "การเดินทาง", en: "Transport" },
    housing: { th: "ที่อยู่อาศัย", en: "Housing" },
    agriculture: { th: "เกษตร", en: "Agriculture" },
    safety: { th: "ความปลอดภัย", en: "Safety" },
  },
  lifeEvent: {
    newborn: { th: "มีบุตร", en: "Having a baby" },
    school: { th: "เข้าเรียน", en: "Going to school" },
    work: { th: "เริ่มทำงาน", en: "Starting work" },
    marriage: { th: "แต่งงาน", en: "Getting married" },
    moving: { th: "ย้ายที่อยู่", en: "Moving house" },
    retirement: { th: "เกษียณ", en: "Retiring" },
    disability: { th: "คนพิการ", en: "Living with a disability" },
    bereavement: { th: "สูญเสียคนในครอบครัว", en: "Losing a loved one" },
    business: { th: "เริ่มธุรกิจ", en: "Starting a business" },
  },
  messageCategory: {
    payments: { th: "การชำระเงินและใบเสร็จ", en: "Payments and receipts" },
    applications: { th: "คำขอที่ยื่นไว้", en: "Your applications" },
    entitlements: { th: "สิทธิ์และสวัสดิการของคุณ", en: "Your entitlements" },
    delegation: { th: "ผู้ทำแทนคุณและคนที่คุณทำแทน", en: "People acting for you, and for whom you act" },
    turns: { th: "ถึงคิวที่คุณจองไว้", en: "Your turn in a line you joined" },
    safety: { th: "ความปลอดภัยและเหตุฉุกเฉิน", en: "Safety and emergencies" },
    bills: { th: "บิลและค่าบริการ", en: "Bills" },
    welfare: { th: "สวัสดิการ", en: "Welfare" },
    health: { th: "สุขภาพ", en: "Health" },
    family: { th: "ครอบครัว", en: "Family" },
    education: { th: "การศึกษา", en: "Education" },
    work: { th: "การงาน", en: "Work" },
    tax: { th: "ภาษี", en: "Tax" },
    utilities: { th: "น้ำ ไฟ สาธารณูปโภค", en: "Water, power and utilities" },
    documents: { th: "เอกสาร", en: "Documents" },
    transport: { th: "การเดินทาง", en: "Transport" },
    housing: { th: "ที่อยู่อาศัย", en: "Housing" },
    agriculture: { th: "การเกษตร", en: "Farming" },
    general: { th: "ข่าวสารทั่วไป", en: "General news" },
  },
  tileKind: {
    link: { th: "ลิงก์ไปยังบริการ", en: "Link to a service" },
    entitlement: { th: "สิทธิและสวัสดิการ", en: "Entitlement" },
    bill_payment: { th: "ชำระบิล", en: "Bill payment" },
    application: { th: "ยื่นคำขอ", en: "Application" },
  },
  tileState: {
    draft: { th: "ฉบับร่าง", en: "Draft" },
    in_review: { th: "รอตรวจ", en: "In review" },
    published: { th: "เผยแพร่แล้ว", en: "Published" },
    retired: { th: "เลิกให้บริการแล้ว", en: "Retired" },
  },
  messageStatus: {
    created: { th: "สร้างแล้ว", en: "Created" },
    sending: { th: "กำลังส่ง", en: "Sending" },
    delivered: { th: "ส่งถึงแล้ว", en: "Delivered" },
    "temporary-failure": { th: "ส่งไม่สำเร็จชั่วคราว จะลองอีกครั้ง", en: "Not delivered yet, will retry" },
    "permanent-failure": { th: "ไม่ได้ส่งไปยังโทรศัพท์", en: "Not pushed to a phone" },
    "technical-failure": { th: "ส่งไม่สำเร็จเพราะระบบขัดข้อง", en: "Failed (a technical fault)" },
    cancelled: { th: "ยกเลิกแล้ว", en: "Cancelled" },
    suppressed: { th: "ไม่ส่งตามการตั้งค่าของประชาชน", en: "Held back by the citizen's settings" },
  },
  campaignStatus: {
    scheduled: { th: "ตั้งเวลาไว้", en: "Scheduled" },
    expanding: { th: "กำลังเพิ่มผู้รับ", en: "Adding recipients" },
    expanded: { th: "เพิ่มผู้รับครบแล้ว", en: "All recipients added" },
  },
  billStatus: {
    unpaid: { th: "ยังไม่ชำระ", en: "Unpaid" },
    paid: { th: "ชำระแล้ว", en: "Paid" },
    cancelled: { th: "ยกเลิกแล้ว", en: "Cancelled" },
  },
  paymentState: {
    created: { th: "สร้าง QR แล้ว", en: "QR created" },
    pending: { th: "รอธนาคารยืนยัน", en: "Waiting for the bank" },
    success: { th: "ชำระสำเร็จ", en: "Paid" },
    failed: { th: "ชำระไม่สำเร็จ", en: "Failed" },
    expired: { th: "QR หมดอายุ", en: "QR expired" },
    cancelled: { th: "ยกเลิกแล้ว", en: "Cancelled" },
  },
  refundState: {
    submitted: { th: "ส่งคำขอคืนเงินแล้ว", en: "Refund requested" },
    success: { th: "คืนเงินแล้ว", en: "Refunded" },
    error: { th: "คืนเงินไม่สำเร็จ", en: "Refund failed" },
  },
  exceptionKind: {
    late: { th: "เงินเข้าหลังหมดเวลาชำระหรือหลังยกเลิกบิล", en: "Arrived after the payment ended or the bill was cancelled" },
    amount_mismatch: { th: "จำนวนเงินไม่ตรงกับบิล", en: "A different amount from the bill" },
    unknown_bill: { th: "ไม่พบบิลที่ตรงกับเลขอ้างอิง", en: "No bill has these references" },
    already_paid: { th: "บิลชำระแล้ว เงินเข้าซ้ำ", en: "The bill was already paid: money arrived twice" },
  },
  exceptionStatus: {
    open: { th: "รอตรวจสอบ", en: "Open" },
    accepted: { th: "รับรู้แล้ว", en: "Accepted" },
    refund_requested: { th: "ขอคืนเงินแล้ว", en: "Refund requested" },
  },
  entitlementStatus: {
    receiving: { th: "กำลังได้รับ", en: "Receiving" },
    eligible_not_enrolled: { th: "มีสิทธิ์ ยังไม่ลงทะเบียน", en: "Eligible, not enrolled" },
    not_eligible: { th: "ไม่มีสิทธิ์", en: "Not eligible" },
    pending: { th: "รอพิจารณา", en: "Pending" },
  },
  accessOutcome: {
    ok: { th: "สำเร็จ", en: "Answered" },
    failed: { th: "ไม่สำเร็จ", en: "Did not succeed" },
    timeout: { th: "ไม่ได้รับคำตอบทันเวลา", en: "No answer in time" },
    refused: { th: "ถูกปฏิเสธ", en: "Refused" },
  },
  applicationState: {
    draft: { th: "ฉบับร่าง", en: "Draft" },
    submitted: { th: "ยื่นแล้ว รอพิจารณา", en: "Submitted" },
    in_review: { th: "กำลังพิจารณา", en: "In review" },
    more_information_requested: { th: "ขอข้อมูลเพิ่มเติม", en: "More information requested" },
    approved: { th: "อนุมัติแล้ว", en: "Approved" },
    rejected: { th: "ไม่อนุมัติ", en: "Rejected" },
    fee_due: { th: "รอชำระค่าธรรมเนียม", en: "Fee due" },
    paid: { th: "ชำระค่าธรรมเนียมแล้ว", en: "Fee paid" },
    document_issued: { th: "ออกเอกสารแล้ว", en: "Document issued" },
    closed: { th: "ปิดแล้ว", en: "Closed" },
    discarded: { th: "ทิ้งฉบับร่างแล้ว", en: "Draft discarded" },
  },
  paymentSource: {
    citizen: { th: "ประชาชน", en: "Citizen" },
    bank: { th: "ธนาคาร", en: "Bank" },
    system: { th: "ระบบ", en: "System" },
    support: { th: "เจ้าหน้าที่ช่วยเหลือ", en: "Support staff" },
  },
  senderKind: {
    sms_sender: { th: "ชื่อผู้ส่ง SMS", en: "SMS sender name" },
    link_domain: { th: "โดเมนของลิงก์", en: "Link domain" },
    phone: { th: "หมายเลขโทรศัพท์", en: "Phone number" },
    email: { th: "อีเมล", en: "Email" },
    line_official: { th: "บัญชี LINE ทางการ", en: "LINE Official Account" },
  },
  senderReview: {
    pending: { th: "รอผู้ดูแลแพลตฟอร์มตรวจ", en: "Waiting for review" },
    approved: { th: "เผยแพร่แล้ว", en: "Published" },
    returned: { th: "ส่งกลับให้แก้ไข", en: "Returned" },
  },
  scamStatus: {
    pending: { th: "รอเจ้าหน้าที่ตรวจสอบ", en: "Waiting for our staff to check" },
    scam: { th: "เป็นมิจฉาชีพ ประกาศเตือนแล้ว", en: "A scam: a warning is published" },
    not_scam: { th: "ตรวจแล้ว ไม่ใช่มิจฉาชีพ", en: "Checked: not a scam" },
    dismissed: { th: "ปิดเรื่องแล้ว ข้อมูลไม่พอ", en: "Closed: not enough to go on" },
  },
  scamKey: {
    link_host: { th: "เว็บไซต์ในลิงก์", en: "Link's website" },
    sender: { th: "ผู้ส่ง", en: "Sender" },
  },
  delegationKind: {
    chosen: { th: "ผู้ที่คุณเลือกให้ทำแทน", en: "Chosen helper" },
    parent: { th: "บิดาหรือมารดา (บุตรอายุต่ำกว่า 15 ปี)", en: "Parent (child under 15)" },
    guardian: { th: "ผู้ปกครองตามกฎหมาย", en: "Legal guardian" },
    assisted: { th: "เจ้าหน้าที่ช่วยที่เคาน์เตอร์ (1 ชั่วโมง)", en: "Counter staff helping (one hour)" },
  },
} as const satisfies Record<string, Record<string, Record<Language, string>>>;

export type Vocabulary = typeof vocabulary;
export type Section = keyof Vocabulary;

/** The words for a code of one section; an unknown code (a newer API) is said as "unknown", never raw. */
export function label(language: Language, section: Section, code: string | null | undefined): string {
  const entries: Record<string, Record<Language, string>> = vocabulary[section];
  if (code && Object.prototype.hasOwnProperty.call(entries, code)) return entries[code][language];
  return tr(language, { th: "ไม่ทราบ", en: "Unknown" });
}

/** Every section's codes and labels, for the unit test and lists of choices (select boxes). */
export const allLabels: Readonly<Record<Section, Record<string, Record<Language, string>>>> = vocabulary;

export function choices(language: Language, section: Section): [string, string][] {
  return Object.entries(allLabels[section]).map(([code, words]) => [code, words[language]]);
}
