// Thai first, English one tap away. Every string the app shows is here.
export type Language = "th" | "en";

const strings = {
  appName: { th: "ทางรัฐ (สาธิต)", en: "Citizen app (demo)" },
  home: { th: "หน้าแรก", en: "Home" },
  entitlements: { th: "สิทธิ์ของฉัน", en: "My entitlements" },
  bills: { th: "บิล", en: "Bills" },
  inbox: { th: "กล่องข้อความ", en: "Inbox" },
  settings: { th: "ตั้งค่า", en: "Settings" },
  dataAccess: { th: "ใครเข้าถึงข้อมูลของฉัน", en: "Who accessed my data" },
  logIn: { th: "เข้าสู่ระบบด้วยดิจิทัลไอดี", en: "Log in with digital ID" },
  logOut: { th: "ออกจากระบบ", en: "Log out" },
  welcome: { th: "บริการภาครัฐในแอปเดียว", en: "Government services in one app" },
  search: { th: "ค้นหาบริการ", en: "Search services" },
  favourites: { th: "รายการโปรด", en: "Favourites" },
  recent: { th: "ใช้ล่าสุด", en: "Recently used" },
  byCategory: { th: "ตามหมวดหมู่", en: "By category" },
  byLifeEvent: { th: "ตามช่วงชีวิต", en: "By life event" },
  addFavourite: { th: "เพิ่มในรายการโปรด", en: "Add to favourites" },
  removeFavourite: { th: "นำออกจากรายการโปรด", en: "Remove from favourites" },
  noResults: { th: "ไม่พบบริการ", en: "No services found" },
  loading: { th: "กำลังโหลด…", en: "Loading…" },
  offlineAsOf: { th: "ออฟไลน์ ข้อมูล ณ", en: "Offline, as of" },
  offline: { th: "ออฟไลน์: ต้องเชื่อมต่ออินเทอร์เน็ตเพื่อทำรายการนี้", en: "Offline: this needs the internet" },
  failed: { th: "เกิดข้อผิดพลาด", en: "Something went wrong" },
  retry: { th: "ลองอีกครั้ง", en: "Try again" },
  refresh: { th: "ดึงข้อมูลล่าสุด", en: "Refresh" },
  claimable: { th: "สิทธิ์ที่คุณอาจได้รับแต่ยังไม่ได้ลงทะเบียน", en: "You may be eligible but are not enrolled" },
  howToClaim: { th: "วิธีขอรับสิทธิ์", en: "How to claim" },
  fresh: { th: "ล่าสุด", en: "Up to date" },
  stale: { th: "ข้อมูล ณ", en: "As of" },
  unavailable: { th: "ไม่พร้อมใช้งาน", en: "Unavailable" },
  giveConsent: { th: "ยินยอมให้ดึงข้อมูล", en: "Give consent" },
  withdrawConsent: { th: "ถอนความยินยอม", en: "Withdraw consent" },
  receiving: { th: "กำลังได้รับ", en: "Receiving" },
  eligible_not_enrolled: { th: "มีสิทธิ์ ยังไม่ลงทะเบียน", en: "Eligible, not enrolled" },
  not_eligible: { th: "ไม่มีสิทธิ์", en: "Not eligible" },
  pending: { th: "รอพิจารณา", en: "Pending" },
  nextPayment: { th: "จ่ายครั้งถัดไป", en: "Next payment" },
  baht: { th: "บาท", en: "baht" },
  unread: { th: "ยังไม่อ่าน", en: "unread" },
  markRead: { th: "ทำเครื่องหมายว่าอ่านแล้ว", en: "Mark as read" },
  delete: { th: "ลบ", en: "Delete" },
  empty: { th: "ยังไม่มีข้อความ", en: "No messages yet" },
  noBills: { th: "ไม่มีบิลค้างชำระ", en: "No bills to pay" },
  due: { th: "ครบกำหนด", en: "Due" },
  pay: { th: "ชำระด้วย QR", en: "Pay by QR" },
  scan: { th: "สแกน QR นี้ด้วยแอปธนาคาร", en: "Scan this QR with your bank app" },
  expiresIn: { th: "QR หมดอายุใน", en: "QR expires in" },
  expired: { th: "QR หมดอายุแล้ว", en: "The QR has expired" },
  paid: { th: "ชำระแล้ว", en: "Paid" },
  receipt: { th: "ใบเสร็จ", en: "Receipt" },
  receipts: { th: "ใบเสร็จของฉัน", en: "My receipts" },
  printReceipts: { th: "พิมพ์รายการใบเสร็จ", en: "Print the list" },
  noReceipts: { th: "ยังไม่มีใบเสร็จ", en: "No receipts yet" },
  receiptNumber: { th: "เลขที่ใบเสร็จ", en: "Receipt number" },
  paidFor: { th: "รายการ", en: "Paid for" },
  amount: { th: "จำนวนเงิน", en: "Amount" },
  paidAt: { th: "ชำระเมื่อ", en: "Paid on" },
  language: { th: "ภาษา", en: "Language" },
  textSize: { th: "ขนาดตัวอักษร", en: "Text size" },
  notifications: { th: "การแจ้งเตือน", en: "Notifications" },
  turnOnNotifications: { th: "เปิดการแจ้งเตือน", en: "Turn on notifications" },
  notificationsOn: { th: "เปิดการแจ้งเตือนบนอุปกรณ์นี้แล้ว", en: "Notifications are on for this device" },
  notificationsBlocked: { th: "เบราว์เซอร์ไม่อนุญาตการแจ้งเตือน", en: "The browser does not allow notifications" },
  demoPhone: { th: "เพิ่มโทรศัพท์สาธิต", en: "Add a demo phone" },
  devices: { th: "อุปกรณ์", en: "Devices" },
  healthy: { th: "ปกติ", en: "Healthy" },
  failing: { th: "ส่งไม่สำเร็จล่าสุด", en: "Last push failed" },
  sessions: { th: "การเข้าสู่ระบบ", en: "Sessions" },
  thisDevice: { th: "เครื่องนี้", en: "This device" },
  endSession: { th: "ออกจากระบบเครื่องนี้", en: "End" },
  endAll: { th: "ออกจากระบบทุกเครื่อง", en: "End all sessions" },
  updateReady: { th: "มีแอปเวอร์ชันใหม่", en: "A new version is ready" },
  update: { th: "อัปเดต", en: "Update" },
  citizen: { th: "คุณ", en: "You" },
  staff: { th: "เจ้าหน้าที่", en: "Staff" },
  system: { th: "ระบบ", en: "The system" },
  skip: { th: "ข้ามไปยังเนื้อหา", en: "Skip to content" },
  staffConsole: { th: "คอนโซลเจ้าหน้าที่", en: "Staff console" },
  consoleFailed: { th: "โหลดคอนโซลไม่สำเร็จ ตรวจสอบการเชื่อมต่อแล้วโหลดใหม่", en: "The console could not be loaded. Check the connection and reload." },
  stepUp: { th: "ต้องยืนยันตัวตนอีกครั้ง", en: "Please confirm it is you" },
} satisfies Record<string, Record<Language, string>>;

export type Key = keyof typeof strings;

export function translate(language: Language, key: Key): string {
  return strings[key][language];
}

export function formatDate(language: Language, value: string | Date, withTime = false): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return new Intl.DateTimeFormat(language === "th" ? "th-TH" : "en-GB", {
    dateStyle: "medium",
    ...(withTime ? { timeStyle: "short" } : {}),
    timeZone: "Asia/Bangkok",
  }).format(date);
}

export function formatBaht(language: Language, satang: number): string {
  const amount = new Intl.NumberFormat(language === "th" ? "th-TH" : "en-GB", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(satang / 100);
  return `${amount} ${translate(language, "baht")}`;
}
