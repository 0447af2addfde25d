// Before a citizen leaves the app for another website: whose site it is and where it goes, said plainly,
// with a big way on and a big way back. Used by the leaving page a message's link opens (/leave/...),
// and in the app wherever an agency's own address can be tapped (a link tile, an entitlement's page).
import { useEffect, useRef } from "preact/hooks";

import { useApp } from "../state";

/** The host of an https address, or null for anything else (which is never offered to continue to). */
export function httpsHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" && !parsed.username && !parsed.password ? parsed.host : null;
  } catch {
    return null;
  }
}

export function LeavingNotice({
  agency,
  url,
  registered,
  onBack,
  headingLevel = 2,
}: {
  agency: string;
  url: string;
  /** The host is on the agency's link domains in the sender registry (true or false), or not checked (null). */
  registered: boolean | null;
  onBack: () => void;
  headingLevel?: 1 | 2;
}) {
  const { tr } = useApp();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [url]);
  const host = httpsHost(url);
  const Heading = headingLevel === 1 ? "h1" : "h2";
  return (
    <div class={registered === false || host === null ? "panel leaving refused" : "panel leaving attention"}>
      <Heading tabIndex={-1} ref={heading}>
        {tr({ th: "คุณกำลังจะออกจากแอปทางรัฐ", en: "You are about to leave the app" })}
      </Heading>
      <p>
        {tr({ th: "ลิงก์นี้ไปยังเว็บไซต์ของ", en: "This link goes to the website of" })}{" "}
        <strong>{agency}</strong>
      </p>
      {host === null ? (
        <p class="verdict bad" role="alert">
          ✕ {tr({ th: "ลิงก์นี้เปิดไม่ได้อย่างปลอดภัย จึงไม่เปิดให้", en: "This link cannot be opened safely, so it is not offered" })}
        </p>
      ) : (
        <>
          <p>{tr({ th: "ที่อยู่เว็บไซต์ปลายทาง", en: "Destination website" })}:</p>
          <p class="leaving-host" lang="en" dir="ltr">
            {host}
          </p>
          <p class="meta leaving-url" lang="en" dir="ltr">
            {url}
          </p>
        </>
      )}
      {registered === true && (
        <p class="verdict good">
          ✓{" "}
          {tr({
            th: "ที่อยู่นี้อยู่ในทะเบียนช่องทางทางการของหน่วยงานนี้",
            en: "This address is in the agency's register of official channels",
          })}
        </p>
      )}
      {registered === false && (
        <p class="verdict bad" role="alert">
          ✕{" "}
          {tr({
            th: "ที่อยู่นี้ไม่อยู่ในทะเบียนช่องทางทางการของหน่วยงานนี้ โปรดระวัง",
            en: "This address is not in the agency's register of official channels: take care",
          })}
        </p>
      )}
      <p>
        {tr({
          th: "เว็บไซต์นั้นไม่ใช่แอปทางรัฐ อย่าให้รหัส OTP หรือรหัสผ่าน และอย่าโอนเงิน หากไม่แน่ใจ โทร 1111",
          en: "That website is not this app. Do not give a one-time code or password or transfer money; if unsure, call 1111.",
        })}
      </p>
      <div class="actions leaving-actions">
        {/* The safer way is the prominent one unless the register vouches for the address. */}
        <button type="button" class={registered === true ? "" : "primary"} onClick={onBack}>
          ← {tr({ th: "กลับ ไม่ออกจากแอป", en: "Go back, stay in the app" })}
        </button>
        {host !== null && (
          <a class={registered === true ? "button primary" : "button"} href={url} rel="noopener noreferrer">
            {tr({ th: "ไปต่อที่เว็บไซต์นี้", en: "Continue to this website" })} →
          </a>
        )}
      </div>
    </div>
  );
}
