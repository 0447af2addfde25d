// Help and contact: the government contact centre 1111, what to do when a payment or a message did not
// arrive, and how to report a problem. Open to anyone (logged in or not), linked from every screen.
import { useApp } from "../state";
import { Icon } from "../ui/icons";

export function Help() {
  const { t, tr, me } = useApp();
  return (
    <section aria-labelledby="help-title" class="help">
      <h1 id="help-title">{t("helpAndContact")}</h1>

      <section class="panel contact" aria-labelledby="contact-title">
        <h2 id="contact-title">{tr({ th: "ติดต่อศูนย์บริการข้อมูลภาครัฐ 1111", en: "The government contact centre: 1111" })}</h2>
        <p>
          {tr({
            th: "โทร 1111 จากโทรศัพท์ทุกเครื่องในประเทศไทย เจ้าหน้าที่ช่วยเรื่องบริการในแอปนี้ได้",
            en: "Call 1111 from any phone in Thailand. The staff there can help with the services in this app.",
          })}
        </p>
        <p>
          <a class="button primary big-button" href="tel:1111">
            <Icon name="phone" /> {t("call1111")}
          </a>
        </p>
        <p class="meta">
          {tr({
            th: "เจ้าหน้าที่จะไม่ขอรหัสผ่าน รหัส OTP หรือให้โอนเงินเพื่อแก้ปัญหา ถ้ามีคนขอ อย่าให้",
            en: "Staff never ask for your password or a one-time code, or ask you to transfer money to fix a problem. If someone does, do not give it.",
          })}
        </p>
      </section>

      <h2 id="payment-help">{tr({ th: "ชำระเงินแล้ว แต่แอปยังไม่ขึ้นว่าชำระแล้ว", en: "I paid, but the app does not show it as paid" })}</h2>
      <ol>
        <li>{tr({ th: "อย่าชำระซ้ำ ธนาคารอาจใช้เวลาแจ้งผลสักครู่", en: "Do not pay again. The bank can take a few minutes to tell us." })}</li>
        <li>
          {tr({ th: "เปิดหน้า", en: "Open" })} <a href="/bills">{t("bills")}</a>{" "}
          {tr({
            th: "แล้วดูที่ “ใบเสร็จของฉัน” ถ้ามีใบเสร็จ แปลว่าชำระสำเร็จแล้ว",
            en: "and look under “My receipts”. If the receipt is there, the payment went through.",
          })}
        </li>
        <li>
          {tr({
            th: "เก็บสลิปจากแอปธนาคารไว้ (วันที่ เวลา ยอดเงิน และเลขที่รายการ)",
            en: "Keep the slip from your bank app (date, time, amount and the transaction number).",
          })}
        </li>
        <li>
          {tr({
            th: "ถ้าผ่านไป 1 ชั่วโมงแล้วยังไม่มีใบเสร็จ หรือถูกตัดเงินสองครั้ง โทร 1111 พร้อมสลิป เงินที่ชำระเกินจะได้คืน",
            en: "If there is still no receipt after an hour, or you were charged twice, call 1111 with the slip. Money paid twice is refunded.",
          })}
        </li>
        <li>
          {tr({
            th: "ถ้า QR หมดอายุก่อนชำระ จะไม่มีการตัดเงิน กด “สร้าง QR ใหม่” แล้วชำระอีกครั้ง",
            en: "If the QR expired before you paid, no money was taken: press “Make a new QR” and pay again.",
          })}
        </li>
      </ol>

      <h2 id="message-help">{tr({ th: "ไม่ได้รับข้อความหรือการแจ้งเตือน", en: "A message or notification did not arrive" })}</h2>
      <ol>
        <li>
          {tr({ th: "ข้อความทุกฉบับอยู่ใน", en: "Every message is kept in the" })} <a href="/inbox">{t("inbox")}</a>{" "}
          {tr({ th: "แม้การแจ้งเตือนจะไม่ขึ้นบนโทรศัพท์", en: "even when no notification appeared on the phone." })}
        </li>
        <li>
          {tr({ th: "เปิดการแจ้งเตือนได้ที่", en: "Turn notifications on in" })} <a href="/settings">{t("settings")}</a>{" "}
          {tr({
            th: "ที่หัวข้อ “อุปกรณ์” จะบอกว่าการแจ้งเตือนครั้งล่าสุดส่งถึงเครื่องนี้หรือไม่",
            en: "Under “Devices” it says whether the last notification reached this phone.",
          })}
        </li>
        <li>
          {tr({
            th: "ตรวจในการตั้งค่าโทรศัพท์ว่าอนุญาตการแจ้งเตือนของเบราว์เซอร์ และไม่ได้เปิดโหมดประหยัดแบตเตอรี่",
            en: "In the phone's settings, check that the browser may show notifications and that battery saver is off.",
          })}
        </li>
        <li>
          {tr({
            th: "ถ้ารอข้อความจากหน่วยงานนานเกินกำหนด โทร 1111 หรือติดต่อหน่วยงานนั้นโดยตรง",
            en: "If an agency's message is later than promised, call 1111 or contact that agency directly.",
          })}
        </li>
      </ol>

      <h2 id="scam-help">{tr({ th: "SMS จดหมาย หรืออีเมลนี้มาจากรัฐจริงไหม", en: "Is this SMS, letter or email really from the government?" })}</h2>
      <p>
        {tr({
          th: "ข้อความจริงจากหน่วยงานรัฐมีรหัสตรวจสอบ 16 ตัว วางข้อความหรือพิมพ์รหัสเพื่อตรวจสอบได้ ถ้าเป็นของปลอม แจ้งให้เราทราบได้ในหน้าเดียวกัน",
          en: "Genuine messages from government agencies carry a 16-character verification code. Paste the message or type the code to check it; if it is fake, you can report it on the same page.",
        })}
      </p>
      <p>
        <a class="button" href="/verify-message">
          {tr({ th: "ตรวจสอบข้อความหรือแจ้งมิจฉาชีพ", en: "Check a message or report a scam" })}
        </a>
      </p>

      <h2 id="report-help">{tr({ th: "แจ้งปัญหาการใช้งาน", en: "Report a problem" })}</h2>
      <p>
        {tr({
          th: "โทร 1111 แล้วบอกเจ้าหน้าที่ว่า",
          en: "Call 1111 and tell the staff:",
        })}
      </p>
      <ul>
        <li>{tr({ th: "ใช้แอปทางรัฐ ทำอะไรอยู่ และอยู่หน้าไหน", en: "that you use this app, what you were doing and on which screen" })}</li>
        <li>{tr({ th: "วันและเวลาที่เกิดปัญหา และข้อความที่ขึ้นบนจอ", en: "the date and time, and what the screen said" })}</li>
        <li>
          {tr({
            th: "เลขที่คำขอ หรือเลขที่ใบเสร็จ ถ้ามี (ไม่ต้องบอกรหัสผ่าน)",
            en: "the tracking or receipt number, if there is one (never your password)",
          })}
        </li>
      </ul>
      <p>
        {tr({
          th: "ถ่ายภาพหน้าจอไว้จะช่วยให้เจ้าหน้าที่เข้าใจปัญหาได้เร็วขึ้น",
          en: "A screenshot helps the staff understand the problem faster.",
        })}
      </p>
      {!me && (
        <p>
          <a class="button" href="/">
            {t("goHome")}
          </a>
        </p>
      )}
    </section>
  );
}

/** An address the app does not know (a mistyped link, an old message's link). */
export function NotFound() {
  const { t } = useApp();
  return (
    <section aria-labelledby="not-found-title" class="not-found">
      <h1 id="not-found-title">{t("notFoundTitle")}</h1>
      <p>{t("notFoundText")}</p>
      <ul class="plain link-list">
        <li>
          <a class="button primary" href="/">
            {t("goHome")}
          </a>
        </li>
        <li>
          <a class="button" href="/help">
            {t("helpAndContact")}
          </a>
        </li>
      </ul>
    </section>
  );
}
