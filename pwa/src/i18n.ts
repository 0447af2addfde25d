// Thai first, English one tap away. Every string the app shows is here, and the one helper that says
// anything in the citizen's language: `t(key)` for these words, `tr({ th, en })` for a pair written in
// place, `pick(item, "title")` for a field the API sends in both languages (title_th, title_en).
// Longer than 400 lines because of the dictionary: one line a word, kept together.
export type Language = "th" | "en";

const strings = {
  appName: { th: "ทางรัฐ (สาธิต)", en: "Citizen app (demo)" },
  home: { th: "หน้าแรก", en: "Home" },
  entitlements: { th: "สิทธิ์ของฉัน", en: "My entitlements" },
  bills: { th: "บิล", en: "Bills" },
  inbox: { th: "กล่องข้อความ", en: "Inbox" },
  settings: { th: "ตั้งค่า", en: "Settings" },
  ownSettings: { th: "ตั้งค่าของฉันเอง", en: "My own settings" },
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
  busy: {
    th: "ขณะนี้มีผู้ใช้งานจำนวนมาก โปรดลองอีกครั้งในอีกสักครู่",
    en: "Many people are using the service right now. Please try again in a moment.",
  },
  refresh: { th: "ดึงข้อมูลล่าสุด", en: "Refresh" },
  refreshAt: { th: "ดึงข้อมูลล่าสุดได้อีกครั้งเวลา", en: "You can refresh again at" },
  claimable: { th: "สิทธิ์ที่คุณอาจได้รับแต่ยังไม่ได้ลงทะเบียน", en: "You may be eligible but are not enrolled" },
  howToClaim: { th: "วิธีขอรับสิทธิ์", en: "How to claim" },
  fresh: { th: "ล่าสุด", en: "Up to date" },
  stale: { th: "ข้อมูล ณ", en: "As of" },
  unavailable: { th: "ไม่พร้อมใช้งาน", en: "Unavailable" },
  giveConsent: { th: "ยินยอมให้ดึงข้อมูล", en: "Give consent" },
  withdrawConsent: { th: "ถอนความยินยอม", en: "Withdraw consent" },
  receiving: { th: "กำลังได้รับ", en: "Receiving" },
  pending: { th: "รอพิจารณา", en: "Pending" },
  nextPayment: { th: "จ่ายครั้งถัดไป", en: "Next payment" },
  baht: { th: "บาท", en: "baht" },
  unread: { th: "ยังไม่อ่าน", en: "unread" },
  markRead: { th: "ทำเครื่องหมายว่าอ่านแล้ว", en: "Mark as read" },
  delete: { th: "ลบ", en: "Delete" },
  empty: { th: "ยังไม่มีข้อความ", en: "No messages yet" },
  messageDeleted: { th: "ลบข้อความแล้ว", en: "Message deleted" },
  undoDelete: { th: "เลิกทำ (นำข้อความกลับมา)", en: "Undo (bring the message back)" },
  messageCode: { th: "รหัสตรวจสอบข้อความ", en: "Message verification code" },
  checkThisCode: { th: "ใครก็ตรวจสอบรหัสนี้ได้ว่ามาจากรัฐจริง", en: "Anyone can check this code is really from the government" },
  olderMessages: { th: "ข้อความเก่ากว่า", en: "Older messages" },
  noOlderMessages: { th: "ไม่มีข้อความที่เก่ากว่านี้", en: "No older messages" },
  noBills: { th: "ไม่มีบิลค้างชำระ", en: "No bills to pay" },
  due: { th: "ครบกำหนด", en: "Due" },
  pay: { th: "ชำระด้วย QR", en: "Pay by QR" },
  scan: { th: "สแกน QR นี้ด้วยแอปธนาคาร", en: "Scan this QR with your bank app" },
  expiresIn: { th: "QR หมดอายุใน", en: "QR expires in" },
  expired: { th: "QR หมดอายุแล้ว", en: "This QR has expired" },
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
  failing: {
    th: "ส่งการแจ้งเตือนครั้งล่าสุดไปยังเครื่องนี้ไม่สำเร็จ ข้อความยังอยู่ในกล่องข้อความ",
    en: "The last notification could not reach this device; it is still in your inbox",
  },
  updateReady: { th: "มีแอปเวอร์ชันใหม่", en: "A new version is ready" },
  update: { th: "อัปเดต", en: "Update" },
  citizen: { th: "คุณ", en: "You" },
  staff: { th: "เจ้าหน้าที่", en: "Staff" },
  system: { th: "ระบบ", en: "The system" },
  skip: { th: "ข้ามไปยังเนื้อหา", en: "Skip to content" },
  staffConsole: { th: "คอนโซลเจ้าหน้าที่", en: "Staff console" },
  consoleFailed: { th: "โหลดคอนโซลไม่สำเร็จ ตรวจสอบการเชื่อมต่อแล้วโหลดใหม่", en: "The console could not be loaded. Check the connection and reload." },
  stepUp: { th: "ต้องยืนยันตัวตนอีกครั้ง", en: "Please confirm it is you" },
  share_recipient: { th: "ผู้ได้รับลิงก์จากคุณ", en: "Someone you gave a link" },
  delegate: { th: "ผู้ทำแทนคุณ", en: "acting for you" },
  assisted: { th: "เจ้าหน้าที่ ช่วยที่เคาน์เตอร์", en: "staff, helping at the counter" },
  notWhileActing: {
    th: "ทำเรื่องนี้แทนคนอื่นไม่ได้ หรือเจ้าของข้อมูลไม่ได้อนุญาตให้คุณทำ",
    en: "This cannot be done for someone else, or they have not allowed you to do it",
  },
  actingEnded: { th: "คุณไม่ได้ทำแทนคนนี้แล้ว", en: "You no longer act for this person" },
  open: { th: "เปิด", en: "Open" },
  openMessage: { th: "เปิดข้อความ", en: "Open the message" },
  screenFailed: {
    th: "โหลดหน้านี้ไม่สำเร็จ ตรวจสอบการเชื่อมต่อแล้วลองอีกครั้ง",
    en: "This screen could not be loaded. Check the connection and try again.",
  },

  // Applications: the form
  myApplications: { th: "คำขอของฉัน", en: "My applications" },
  myDocuments: { th: "เอกสารของฉัน", en: "My documents" },
  programmes: { th: "ลงทะเบียนโครงการ", en: "Register for a programme" },
  fee: { th: "ค่าธรรมเนียม", en: "Fee" },
  feeAfterApproval: { th: "ชำระด้วย Thai QR เมื่อคำขอได้รับอนุมัติ", en: "Paid by Thai QR once your application is approved" },
  noFee: { th: "ไม่มีค่าธรรมเนียม", en: "No fee" },
  fromDigitalId: { th: "ข้อมูลจากดิจิทัลไอดีของคุณ", en: "From your digital ID" },
  fromDigitalIdNote: {
    th: "ไม่ต้องกรอกซ้ำ ระบบแนบข้อมูลนี้ไปกับคำขอให้",
    en: "You do not need to type these: they are sent with your application.",
  },
  fullName: { th: "ชื่อ-นามสกุล", en: "Name" },
  nationalId: { th: "เลขประจำตัวประชาชน", en: "National ID number" },
  birthdate: { th: "วันเกิด", en: "Date of birth" },
  required: { th: "จำเป็น", en: "required" },
  chooseOne: { th: "เลือก…", en: "Choose…" },
  saving: { th: "กำลังบันทึกฉบับร่าง…", en: "Saving your draft…" },
  savedAt: { th: "บันทึกฉบับร่างแล้ว เวลา", en: "Draft saved at" },
  notSavedOffline: {
    th: "ออฟไลน์: ยังไม่ได้บันทึก จะบันทึกเมื่อเชื่อมต่ออีกครั้ง",
    en: "Offline: not saved yet. It will be saved when you are back online.",
  },
  notSavedCheck: { th: "ยังไม่ได้บันทึก: โปรดแก้คำตอบที่มีข้อความสีแดง", en: "Not saved: correct the answers marked in red" },
  notSaved: { th: "ยังไม่ได้บันทึก", en: "Not saved" },
  sendApplication: { th: "ส่งคำขอ", en: "Send application" },
  sending: { th: "กำลังส่ง…", en: "Sending…" },
  errorSummary: { th: "โปรดแก้ไขก่อนส่งคำขอ", en: "Please correct these before sending" },
  houseNumber: { th: "บ้านเลขที่", en: "House number" },
  village: { th: "หมู่ที่ / หมู่บ้าน", en: "Village (moo)" },
  road: { th: "ถนน / ซอย", en: "Road or soi" },
  subdistrict: { th: "ตำบล / แขวง", en: "Subdistrict (tambon)" },
  district: { th: "อำเภอ / เขต", en: "District (amphoe)" },
  province: { th: "จังหวัด", en: "Province" },
  postcode: { th: "รหัสไปรษณีย์", en: "Postcode" },
  postcodeHint: { th: "ตัวเลข 5 หลัก", en: "5 digits" },
  upToFiles: { th: "แนบได้สูงสุด {n} ไฟล์", en: "Up to {n} files" },
  uploading: { th: "กำลังอัปโหลด…", en: "Uploading…" },
  remove: { th: "นำออก", en: "Remove" },
  filesFull: {
    th: "แนบครบจำนวนแล้ว หากต้องการเปลี่ยน ให้นำไฟล์เดิมออกก่อน",
    en: "This takes no more files: remove one to change it.",
  },
  fileRefused: { th: "ไม่รับไฟล์นี้", en: "This file was not accepted" },
  fileEmpty: { th: "ไฟล์ว่างเปล่า", en: "The file is empty." },
  fileTooBig: { th: "ไฟล์ใหญ่เกิน 5 MB", en: "The file is larger than 5 MB." },
  fileWrongType: { th: "รับเฉพาะไฟล์ PDF, JPEG หรือ PNG", en: "Only PDF, JPEG or PNG files are accepted." },
  fileNameMismatch: {
    th: "นามสกุลในชื่อไฟล์ไม่ตรงกับชนิดของไฟล์จริง",
    en: "The file's name does not match what the file is.",
  },
  serviceUnavailable: { th: "บริการนี้ยังไม่รับคำขอผ่านแอป", en: "This service does not take applications in the app." },
  errorLine: { th: "{label}: {message}", en: "{label} {message}" },
  errRequired: { th: "กรุณากรอก{label}", en: "{label} is required" },
  errRequiredChoice: { th: "กรุณาเลือก{label}", en: "{label} is required: choose one" },
  errRequiredFile: { th: "กรุณาแนบ{label}", en: "{label} is required: attach a file" },
  errTooLong: { th: "ยาวได้ไม่เกิน {n} ตัวอักษร", en: "must be at most {n} characters" },
  errTooShort: { th: "ต้องมีอย่างน้อย {n} ตัวอักษร", en: "must be at least {n} characters" },
  errFormat: { th: "รูปแบบไม่ถูกต้อง", en: "is not in the expected format" },
  errNumber: { th: "ต้องเป็นตัวเลข", en: "must be a number" },
  errWhole: { th: "ต้องเป็นจำนวนเต็ม", en: "must be a whole number" },
  errMin: { th: "ต้องไม่น้อยกว่า {n}", en: "must be at least {n}" },
  errMax: { th: "ต้องไม่เกิน {n}", en: "must be at most {n}" },
  errDate: { th: "ต้องเป็นวันที่", en: "must be a date" },
  errDateAfter: { th: "ต้องไม่ก่อนวันที่ {n}", en: "must be on or after {n}" },
  errDateBefore: { th: "ต้องไม่หลังวันที่ {n}", en: "must be on or before {n}" },
  errChoice: { th: "ไม่ตรงกับตัวเลือกที่มี", en: "is not one of the choices offered" },
  errMissing: { th: "ยังขาด {n}", en: "is missing: {n}" },
  errPostcode: { th: "รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก", en: "needs a postcode of five digits" },
  errMaxFiles: { th: "แนบได้ไม่เกิน {n} ไฟล์", en: "takes at most {n} file(s)" },

  // Applications: following one
  noApplications: {
    th: "ยังไม่มีคำขอ เลือกบริการที่หน้าแรกเพื่อยื่นคำขอ",
    en: "No applications yet. Choose a service on the home screen to apply.",
  },
  trackingNumber: { th: "เลขที่คำขอ", en: "Tracking number" },
  lastUpdated: { th: "อัปเดตล่าสุด", en: "Last updated" },
  continueDraft: { th: "กรอกคำขอต่อ", en: "Continue filling in" },
  sentNotice: {
    th: "ส่งคำขอแล้ว เก็บเลขที่คำขอไว้เพื่อติดตามสถานะ",
    en: "Your application was sent. Keep the tracking number to follow it.",
  },
  progress: { th: "ความคืบหน้า", en: "Progress" },
  status: { th: "สถานะ", en: "Status" },
  fromApplication: { th: "ดูคำขอที่ได้เอกสารนี้", en: "The application it was issued for" },
  stepSubmitted: { th: "ยื่นคำขอ", en: "Application sent" },
  stepReview: { th: "ตรวจสอบคำขอ", en: "Review" },
  stepApproval: { th: "อนุมัติ", en: "Approval" },
  stepFee: { th: "ชำระค่าธรรมเนียม", en: "Fee payment" },
  stepDocument: { th: "ออกเอกสาร", en: "Document issued" },
  stepClosed: { th: "ปิดคำขอ", en: "Closed" },
  stepDone: { th: "เสร็จแล้ว", en: "done" },
  stepCurrent: { th: "ขั้นตอนปัจจุบัน", en: "current step" },
  stepUpcoming: { th: "ยังไม่ถึง", en: "to come" },
  stepStopped: { th: "ไม่ได้ดำเนินการต่อ", en: "will not happen" },
  stepFailed: { th: "ไม่ผ่าน", en: "not approved" },
  agency: { th: "หน่วยงาน", en: "The agency" },
  agencyAsks: { th: "หน่วยงานขอข้อมูลเพิ่มเติม", en: "The agency asks for more information" },
  yourReply: { th: "คำตอบของคุณ", en: "Your reply" },
  sendReply: { th: "ส่งคำตอบ", en: "Send reply" },
  feeToPay: { th: "ค่าธรรมเนียมที่ต้องชำระ", en: "Fee to pay" },
  payFee: { th: "ไปชำระด้วย QR ที่หน้าบิล", en: "Pay by Thai QR on the bills screen" },
  openInWallet: { th: "เปิดเอกสารในเอกสารของฉัน", en: "Open the document in My documents" },
  withdrawn: { th: "ถอนคำขอ", en: "Withdrawn" },
  rejectedBecause: { th: "หน่วยงานไม่อนุมัติคำขอนี้", en: "The agency did not approve this application" },
  withdrawApplication: { th: "ถอนคำขอ", en: "Withdraw application" },
  withdrawConfirm: {
    th: "ต้องการถอนคำขอนี้ใช่ไหม หน่วยงานจะหยุดพิจารณาและยกเลิกไม่ได้",
    en: "Withdraw this application? The agency stops working on it, and this cannot be undone.",
  },
  withdrawYes: { th: "ใช่ ถอนคำขอ", en: "Yes, withdraw" },
  keepIt: { th: "ไม่ถอน", en: "No, keep it" },
  files: { th: "ไฟล์ที่แนบ", en: "Files" },
  sentOn: { th: "ส่งเมื่อ", en: "Sent on" },
  state_draft: { th: "ฉบับร่าง", en: "Draft" },
  state_submitted: { th: "ส่งคำขอแล้ว", en: "Sent" },
  state_in_review: { th: "กำลังพิจารณา", en: "In review" },
  state_more_information_requested: { th: "ต้องการข้อมูลเพิ่มเติม", en: "More information needed" },
  state_approved: { th: "อนุมัติแล้ว", en: "Approved" },
  state_rejected: { th: "ไม่อนุมัติ", en: "Not approved" },
  state_fee_due: { th: "รอชำระค่าธรรมเนียม", en: "Fee due" },
  state_paid: { th: "ชำระค่าธรรมเนียมแล้ว", en: "Fee paid" },
  state_document_issued: { th: "ออกเอกสารแล้ว", en: "Document issued" },
  state_closed: { th: "ปิดแล้ว", en: "Closed" },

  // The documents wallet and sharing
  noDocuments: {
    th: "ยังไม่มีเอกสาร เอกสารที่หน่วยงานออกให้คุณจะอยู่ที่นี่",
    en: "No documents yet. Documents that agencies issue to you appear here.",
  },
  issuedOn: { th: "ออกเมื่อ", en: "Issued on" },
  issuedBy: { th: "ออกโดย", en: "Issued by" },
  signedByPlatform: { th: "ลงลายมือชื่อดิจิทัลโดยแพลตฟอร์ม", en: "Digitally signed by the platform" },
  openPdf: { th: "เปิดเอกสาร (PDF)", en: "Open the document (PDF)" },
  newTab: { th: "เปิดในแท็บใหม่", en: "opens in a new tab" },
  verificationCode: { th: "รหัสตรวจสอบ", en: "Verification code" },
  checkGenuine: { th: "หน้าตรวจสอบเอกสาร", en: "Verification page" },
  technical: { th: "ข้อมูลทางเทคนิค", en: "Technical details" },
  revoked: { th: "หน่วยงานเพิกถอนเอกสารนี้แล้ว", en: "The agency revoked this document" },
  shareTitle: { th: "แชร์เอกสาร", en: "Share this document" },
  shareExplain: {
    th: "สร้างลิงก์ที่เปิดได้ครั้งเดียว ผู้รับไม่ต้องเข้าสู่ระบบ การแชร์และการเปิดทุกครั้งบันทึกไว้ใน “ใครเข้าถึงข้อมูลของฉัน” หากคุณเข้าสู่ระบบไว้นานแล้ว แอปจะให้เข้าสู่ระบบอีกครั้งเพื่อยืนยันว่าเป็นคุณ แล้วพากลับมาที่นี่",
    en: "Make a link that opens once. The receiver does not need to log in. Sharing and every opening are recorded in “Who accessed my data”. If you logged in a while ago, the app asks you to log in again to confirm it is you, then brings you back here.",
  },
  shareFor: { th: "ลิงก์ใช้ได้นาน", en: "The link works for" },
  minutes15: { th: "15 นาที", en: "15 minutes" },
  hour1: { th: "1 ชั่วโมง", en: "1 hour" },
  hours24: { th: "24 ชั่วโมง", en: "24 hours" },
  makeLink: { th: "สร้างลิงก์แชร์", en: "Make a share link" },
  shareReady: { th: "ให้ผู้รับสแกน QR นี้ หรือส่งลิงก์ให้", en: "Let the receiver scan this QR, or send them the link" },
  shareOnce: { th: "เปิดได้ครั้งเดียว ภายใน", en: "It opens once, until" },
  shareLink: { th: "ลิงก์แชร์", en: "Share link" },
  copyLink: { th: "คัดลอกลิงก์", en: "Copy link" },
  copied: { th: "คัดลอกลิงก์แล้ว", en: "Link copied" },
  sendVia: { th: "ส่งผ่านแอปอื่น…", en: "Send with another app…" },
  shareQrAlt: { th: "QR ของลิงก์แชร์เอกสาร", en: "QR code of the share link" },
  sharesTitle: { th: "ลิงก์ที่เคยสร้าง", en: "Links you made" },
  noShares: { th: "ยังไม่เคยแชร์เอกสารนี้", en: "You have not shared this document yet" },
  share_waiting: { th: "ยังไม่ถูกเปิด", en: "Not opened yet" },
  share_opened: { th: "เปิดแล้ว", en: "Opened" },
  share_expired: { th: "หมดอายุ", en: "Expired" },
  share_withdrawn: { th: "ยกเลิกแล้ว", en: "Withdrawn" },
  withdrawLink: { th: "ยกเลิกลิงก์", en: "Withdraw link" },
  until: { th: "ใช้ได้ถึง", en: "Until" },
  openedAt: { th: "เปิดเมื่อ", en: "Opened on" },

  // Public pages: a shared document, verification
  sharedTitle: { th: "มีผู้แชร์เอกสารให้คุณ", en: "Someone shared a document with you" },
  sharedExplain: {
    th: "ลิงก์นี้เปิดได้ครั้งเดียว กด “เปิดเอกสาร” เมื่อพร้อมดู จากนั้นดูไฟล์ได้ภายใน 10 นาที",
    en: "This link opens once. Press “Open document” when you are ready to look: you can then view the file for 10 minutes.",
  },
  openDocument: { th: "เปิดเอกสาร", en: "Open document" },
  opening: { th: "กำลังเปิด…", en: "Opening…" },
  genuine: { th: "ของจริง: ลงนามโดยแพลตฟอร์ม", en: "Genuine: signed by the platform" },
  notGenuine: { th: "ไม่ใช่ของจริง: ลายมือชื่อดิจิทัลไม่ตรงกัน", en: "NOT genuine: the signature does not match" },
  holder: { th: "ผู้ถือเอกสาร", en: "Holder" },
  viewDocument: { th: "ดูเอกสาร", en: "View document" },
  viewFor: { th: "ลิงก์ดูไฟล์ใช้ได้ {n} นาที", en: "The file can be viewed for {n} minutes" },
  linkUsed: {
    th: "ลิงก์นี้ถูกเปิดไปแล้วหรือหมดอายุ ขอให้ผู้แชร์ส่งลิงก์ใหม่",
    en: "This link was already opened or has expired. Ask the person who shared it for a new one.",
  },
  linkInvalid: { th: "ลิงก์นี้ไม่ถูกต้อง ตรวจสอบว่าคัดลอกมาครบ", en: "This link is not valid. Check it was copied whole." },
  checkAnyTime: { th: "ตรวจสอบเอกสารนี้ได้ทุกเมื่อที่", en: "Anyone can check this document at" },
  verifyTitle: { th: "ตรวจสอบเอกสาร", en: "Check a document" },
  verifyExplain: {
    th: "กรอกรหัสตรวจสอบ 16 ตัวอักษรที่พิมพ์อยู่บนเอกสาร",
    en: "Type the 16-character verification code printed on the document.",
  },
  check: { th: "ตรวจสอบ", en: "Check" },
  checking: { th: "กำลังตรวจสอบ…", en: "Checking…" },
  noSuchCode: { th: "ไม่พบเอกสารที่มีรหัสนี้", en: "No document has this code" },
  checkCopy: { th: "ตรวจสอบสำเนาที่คุณได้รับ", en: "Check a copy you were given" },
  copyFile: { th: "ไฟล์สำเนา (PDF)", en: "The copy (PDF)" },
  checkCopyHelp: {
    th: "เลือกไฟล์ PDF ที่ได้รับ ระบบจะเทียบกับเอกสารที่ลงนามไว้ทุกไบต์ (ไม่เก็บไฟล์ไว้)",
    en: "Choose the PDF you were given: it is compared byte by byte with the signed document (the file is not kept).",
  },
  copyGenuine: { th: "สำเนานี้ตรงกับเอกสารที่ลงนามทุกไบต์", en: "This copy is exactly the signed document" },
  copyChanged: {
    th: "สำเนานี้ไม่ตรงกับเอกสารที่ลงนาม อาจถูกแก้ไข",
    en: "This copy is not the signed document: it may have been changed",
  },
  signature: { th: "ลายมือชื่อดิจิทัล", en: "Signature" },
  signedStatement: { th: "ข้อความที่ลงนาม", en: "Signed statement" },
  keyId: { th: "รหัสกุญแจ", en: "Key ID" },
  publicKeys: { th: "กุญแจสาธารณะ (JWKS)", en: "Public keys (JWKS)" },

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

  // Not found, help, the idle session
  notFoundTitle: { th: "ไม่พบหน้านี้", en: "Page not found" },
  notFoundText: {
    th: "ที่อยู่นี้อาจพิมพ์ผิด หรือหน้านี้ถูกย้ายหรือนำออกแล้ว",
    en: "The address may be mistyped, or the page has moved or been removed.",
  },
  goHome: { th: "กลับหน้าแรก", en: "Go to the home screen" },
  help: { th: "ช่วยเหลือ", en: "Help" },
  helpAndContact: { th: "ช่วยเหลือและติดต่อ", en: "Help and contact" },
  more: { th: "เพิ่มเติม", en: "More" },
  moreMenu: { th: "เมนูเพิ่มเติม", en: "More options" },
  mainMenu: { th: "เมนูหลัก", en: "Main menu" },
  call1111: { th: "โทร 1111 ศูนย์บริการข้อมูลภาครัฐ", en: "Call 1111, the government contact centre" },
  idleTitle: { th: "คุณยังใช้งานอยู่ไหม", en: "Are you still there?" },
  idleText: {
    th: "เพื่อความปลอดภัย ระบบจะออกจากระบบให้ใน {time} นาที หากไม่มีการใช้งาน",
    en: "For your safety you will be logged out in {time} minutes if you do nothing.",
  },
  stayLoggedIn: { th: "ใช้งานต่อ", en: "Stay logged in" },
  loggedOutIdleTitle: { th: "ออกจากระบบแล้ว", en: "You have been logged out" },
  loggedOutIdle: {
    th: "ออกจากระบบให้แล้ว เพราะไม่มีการใช้งานนาน {n} นาที ข้อมูลที่ส่งแล้วยังอยู่ครบ",
    en: "You were logged out because nothing happened for {n} minutes. Everything you sent is kept.",
  },
  logInAgain: { th: "เข้าสู่ระบบอีกครั้ง", en: "Log in again" },
} satisfies Record<string, Record<Language, string>>;

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
