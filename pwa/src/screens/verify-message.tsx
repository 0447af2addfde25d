// "Is this really from the government?" (/verify-message, /m/{code}): anyone, without logging in, types
// a message's verification code or pastes the whole SMS, and hears plainly whether the platform or an
// agency sent it, and if not, what to do (docs/genuine-messages.md).
import { Fragment } from "preact";
import { useState } from "preact/hooks";

import type { Schema } from "../api";
import { formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";
import { label } from "../vocabulary";
import { findCode, foreignLinks, groupCode } from "./message-check";
import { knownScam } from "./scam-check";
import { MyScamReports, ScamReport } from "./scam-report";
import { ScamWarnings, WarningCard } from "./scam-warnings";

const CHANNELS = {
  app: { th: "แอปทางรัฐ (กล่องข้อความ)", en: "this app's inbox" },
  sms: { th: "ข้อความ SMS", en: "text message (SMS)" },
  letter: { th: "จดหมาย", en: "letter" },
  email: { th: "อีเมล", en: "email" },
} as const;

/** What to do with a message the platform did not send. */
function NotFromUs({ code, text }: { code: string | null; text: string }) {
  const { tr } = useApp();
  return (
    <div class="panel not-genuine">
      <p class="verdict bad" role="alert">
        ✕{" "}
        {code
          ? tr({ th: "ไม่พบข้อความนี้ในระบบของรัฐ", en: "No government message has this code" })
          : tr({ th: "ไม่พบรหัสตรวจสอบในข้อความนี้", en: "There is no verification code in this message" })}
      </p>
      {code && (
        <p>
          {tr({ th: "รหัสที่ตรวจ", en: "The code checked" })}: <code>{groupCode(code)}</code>
        </p>
      )}
      <p>
        {tr({
          th: "ข้อความจากรัฐทุกฉบับมีรหัสตรวจสอบที่ตรวจได้ที่นี่ ข้อความนี้อาจเป็นมิจฉาชีพ:",
          en: "Every government message carries a code you can check here. This one may be a scam:",
        })}
      </p>
      <ul>
        <li>{tr({ th: "อย่ากดลิงก์ในข้อความ", en: "Do not tap the links in it" })}</li>
        <li>{tr({ th: "อย่าโอนเงินหรือจ่ายเงินใด ๆ", en: "Do not pay or transfer any money" })}</li>
        <li>
          {tr({ th: "อย่าให้รหัส OTP รหัสผ่าน หรือเลขบัตรประชาชน", en: "Do not give a one-time code, a password or your ID number" })}
        </li>
        <li>{tr({ th: "สอบถามได้ที่ศูนย์บริการข้อมูลภาครัฐ โทร 1111", en: "Ask the government contact centre: call 1111" })}</li>
      </ul>
      <ScamReport key={text} text={text} />
    </div>
  );
}

type OpenSender = Schema<"OpenSender">;

/** One agency's official channels, as the register lists them: a message from anywhere else is not its. */
function ChannelList({ senders }: { senders: OpenSender[] }) {
  const { language, pick } = useApp();
  return (
    <dl class="facts official-channels">
      {senders.map((sender) => (
        <Fragment key={`${sender.kind}-${sender.value}`}>
          <dt>{label(language, "senderKind", sender.kind)}</dt>
          <dd>
            <code>{sender.value}</code>
            {pick(sender, "note") && <span class="hint"> · {pick(sender, "note")}</span>}
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

// The code of the platform's own sender row (migration 0035): its notices are only ever in the inbox.
const PLATFORM_SENDER = "platform";

/** Beside a genuine code: the sending agency's official channels from the public register. */
function OfficialChannels({ agency }: { agency: string }) {
  const { tr } = useApp();
  const [load, reload] = useLoad("/api/v1/open/senders/{agency_code}", { path: { agency_code: agency } });
  return (
    <section class="official" aria-labelledby="official-title">
      <h2 id="official-title">{tr({ th: "ช่องทางทางการของหน่วยงาน", en: "Official channels" })}</h2>
      <Loaded load={load} reload={reload}>
        {(senders) =>
          senders.length > 0 ? (
            <>
              <p>
                {tr({
                  th: "หน่วยงานนี้ส่งข้อความและรับติดต่อผ่านช่องทางเหล่านี้เท่านั้น",
                  en: "This agency sends messages and takes calls through these channels only.",
                })}
              </p>
              <ChannelList senders={senders} />
            </>
          ) : agency === PLATFORM_SENDER ? (
            <p>
              {tr({
                th: "ทางรัฐส่งข้อความของตัวเองในกล่องข้อความของแอปนี้เท่านั้น ไม่ส่งทาง SMS",
                en: "The platform sends its own notices only to this app's inbox, never by SMS.",
              })}
            </p>
          ) : (
            <p>{tr({ th: "หน่วยงานนี้ยังไม่ได้ลงทะเบียนช่องทางทางการ", en: "This agency has not registered its official channels yet." })}</p>
          )
        }
      </Loaded>
      <p>
        <a href="#register" onClick={() => document.getElementById("register")?.setAttribute("open", "")}>
          {tr({ th: "ดูทะเบียนช่องทางทางการของทุกหน่วยงาน", en: "See the register of every agency's official channels" })}
        </a>
      </p>
    </section>
  );
}

/** The whole public register, grouped by agency; loaded only when opened. */
function Register() {
  const { tr, pick } = useApp();
  const [load, reload] = useLoad("/api/v1/open/senders");
  return (
    <Loaded load={load} reload={reload}>
      {(senders) => {
        const agencies = [...new Set(senders.map((sender) => sender.agency_code))];
        return (
          <>
            {agencies.map((agency) => {
              const own = senders.filter((sender) => sender.agency_code === agency);
              return (
                <div key={agency}>
                  <h3>{pick(own[0], "agency_name")}</h3>
                  <ChannelList senders={own} />
                </div>
              );
            })}
            <p>
              {tr({ th: "ข้อมูลเปิด:", en: "Open data:" })} <a href="/api/v1/open/senders">JSON</a> ·{" "}
              <a href="/api/v1/open/senders.csv" download>CSV</a>
            </p>
          </>
        );
      }}
    </Loaded>
  );
}

function RegisterSection() {
  const { tr } = useApp();
  const [open, setOpen] = useState(false);
  return (
    <details id="register" class="register" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{tr({ th: "ทะเบียนช่องทางทางการของหน่วยงาน", en: "Register of agencies' official channels" })}</summary>
      {open && <Register />}
    </details>
  );
}

function Result({ code, text }: { code: string; text: string }) {
  const { tr, pick, language } = useApp();
  const [load, reload] = useLoad("/api/v1/messages/verify/{code}", { path: { code } });
  if (load.status === "error" && (load.error.status === 404 || load.error.status === 400)) {
    return <NotFromUs code={code} text={text} />;
  }
  return (
    <Loaded load={load} reload={reload}>
      {(found) => (
        <div class="panel genuine">
          <p class="verdict good" role="status">
            ✓ {tr({ th: "ข้อความนี้มาจากรัฐจริง", en: "This message is really from the government" })}
          </p>
          <dl class="facts">
            <dt>{tr({ th: "ผู้ส่ง", en: "Sent by" })}</dt>
            <dd>{pick(found, "agency_name")}</dd>
            <dt>{tr({ th: "ส่งเมื่อ", en: "Sent on" })}</dt>
            <dd>{formatDate(language, found.sent_at, true)}</dd>
            <dt>{tr({ th: "ช่องทาง", en: "Sent by way of" })}</dt>
            <dd>{tr(CHANNELS[found.channel as keyof typeof CHANNELS] ?? CHANNELS.app)}</dd>
            <dt>{tr({ th: "รหัสตรวจสอบ", en: "Verification code" })}</dt>
            <dd>
              <code>{found.code}</code>
            </dd>
          </dl>
          {found.text ? (
            <>
              <h2>{tr({ th: "ข้อความที่ส่ง", en: "What the message says" })}</h2>
              <blockquote class="sent-text">{found.text}</blockquote>
              <p>
                {tr({
                  th: "เทียบกับข้อความที่คุณได้รับ ถ้าไม่ตรงกันทุกคำ (โดยเฉพาะลิงก์และเลขบัญชี) อย่าทำตาม",
                  en: "Compare it with the one you received: if any word differs (links and account numbers above all), do not act on it.",
                })}
              </p>
            </>
          ) : (
            <p>
              {tr({
                th: "ไม่มีเนื้อหาข้อความเก็บไว้ที่นี่ (หน่วยงานไม่ได้ส่งมา หรือพ้นระยะเวลาเก็บแล้ว) ถ้าข้อความที่ได้รับขอให้โอนเงินหรือกดลิงก์ที่ไม่ใช่ของรัฐ ให้โทรถามหน่วยงานก่อน",
                en: "The text is not kept here (the agency did not give it, or it is older than we keep texts). If the message asks you to pay or tap a link that is not the government's, call the agency first.",
              })}
            </p>
          )}
          <OfficialChannels agency={found.agency_code} />
          <details class="technical">
            <summary>{tr({ th: "ข้อมูลทางเทคนิค", en: "Technical details" })}</summary>
            <dl>
              <dt>{tr({ th: "ข้อความที่ลงนาม", en: "Signed statement" })}</dt>
              <dd>
                <pre class="payload">{found.statement}</pre>
              </dd>
              <dt>Ed25519 ({found.key_id})</dt>
              <dd>
                <code class="payload">{found.signature}</code>
              </dd>
              <dt>{tr({ th: "กุญแจสาธารณะ", en: "Public keys" })}</dt>
              <dd>
                <a href="/api/v1/documents/signing-keys">/api/v1/documents/signing-keys</a>
              </dd>
            </dl>
          </details>
        </div>
      )}
    </Loaded>
  );
}

export function VerifyMessage({ param }: { param: string }) {
  const { tr, me } = useApp();
  const [warnings, reloadWarnings] = useLoad("/api/v1/scam-warnings");
  const initial = param || new URLSearchParams(window.location.search).get("code") || "";
  const [typed, setTyped] = useState(initial);
  const [checked, setChecked] = useState<{ text: string; code: string | null } | null>(
    initial ? { text: initial, code: findCode(initial) } : null,
  );
  const links = checked ? foreignLinks(checked.text, window.location.origin) : [];
  const known =
    checked && warnings.status === "ok" ? knownScam(checked.text, "", warnings.data, window.location.origin) : null;
  return (
    <section aria-labelledby="verify-message-title">
      <h1 id="verify-message-title">{tr({ th: "ข้อความนี้มาจากรัฐจริงไหม", en: "Is this message really from the government?" })}</h1>
      <form
        class="code-form"
        onSubmit={(event) => {
          event.preventDefault();
          setChecked({ text: typed, code: findCode(typed) });
        }}
      >
        <label class="form-label" for="message-text">
          {tr({ th: "รหัสตรวจสอบ หรือข้อความทั้งหมดที่ได้รับ", en: "The verification code, or the whole message you received" })}
        </label>
        <p class="form-help" id="message-text-help">
          {tr({
            th: "พิมพ์รหัส 16 ตัวอักษร (เช่น 7K3M-QX9P-2RTV-H8WC) หรือคัดลอก SMS ทั้งข้อความมาวาง ระบบจะหารหัสให้เอง",
            en: "Type the 16-character code (such as 7K3M-QX9P-2RTV-H8WC), or paste the whole SMS: the code is found in it.",
          })}
        </p>
        <textarea
          id="message-text"
          rows={4}
          maxLength={2000}
          spellcheck={false}
          aria-describedby="message-text-help"
          value={typed}
          onInput={(event) => setTyped(event.currentTarget.value)}
        />
        <div class="actions">
          <button type="submit" class="primary">
            {tr({ th: "ตรวจสอบ", en: "Check" })}
          </button>
        </div>
      </form>
      {links.length > 0 && (
        <div class="notice warning" role="note">
          <p>
            {tr({
              th: "ลิงก์ในข้อความนี้ไม่ได้พาไปที่แอปของรัฐ อย่ากด:",
              en: "These links in the message do not lead to the government's app. Do not tap them:",
            })}
          </p>
          <ul>
            {links.map((link) => (
              <li key={link}>
                <code>{link}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {known && (
        <div class="panel known-scam">
          <p class="verdict bad" role="alert">
            ✕ {tr({ th: "ข้อความนี้เป็นมิจฉาชีพที่รู้จักแล้ว", en: "This is a known scam" })}
          </p>
          <ul class="cards">
            <WarningCard warning={known} />
          </ul>
        </div>
      )}
      {checked &&
        (checked.code ? (
          <Result key={checked.code} code={checked.code} text={checked.text} />
        ) : (
          <NotFromUs code={null} text={checked.text} />
        ))}
      {!checked && (
        <section class="report-any" aria-label={tr({ th: "แจ้งข้อความหลอกลวง", en: "Report a scam message" })}>
          <p>{tr({ th: "ได้รับข้อความน่าสงสัย? แจ้งให้เจ้าหน้าที่ตรวจได้", en: "Got a suspicious message? Report it for our staff to check." })}</p>
          <ScamReport text="" />
        </section>
      )}
      <ScamWarnings load={warnings} reload={reloadWarnings} />
      {me && <MyScamReports />}
      <RegisterSection />
    </section>
  );
}
