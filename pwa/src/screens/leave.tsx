// The leaving page (/leave/<token>): a link inside a message to an agency's own website is sent as this
// platform address, and here the citizen sees which agency it is, the destination's host and whether it
// is in that agency's register of official channels, before going on or back (docs/genuine-messages.md).
import { useApp, useLoad } from "../state";
import { LeavingNotice } from "../ui/leaving";

export function Leave({ param }: { param: string }) {
  const { t, tr, pick, navigate } = useApp();
  const [load, reload] = useLoad("/api/v1/leave/{token}", { path: { token: param } });
  const back = () => (window.history.length > 1 ? window.history.back() : navigate("/inbox"));
  if (load.status === "loading") return <p role="status" class="loading">{t("loading")}</p>;
  if (load.status === "error" && load.error.status !== 404) {
    return (
      <div class="notice error" role="alert">
        <p>
          {load.error.status === 0
            ? t("offline")
            : tr({ th: "ตรวจลิงก์นี้ไม่สำเร็จ", en: "The link could not be checked" })}
        </p>
        <button type="button" onClick={reload}>
          {t("retry")}
        </button>
      </div>
    );
  }
  if (load.status === "error") {
    // Not a link the platform signed: whoever made it, it is not from a government message.
    return (
      <section class="panel refused" aria-labelledby="leave-title">
        <h1 id="leave-title">{tr({ th: "ลิงก์นี้ไม่ได้มาจากแอปทางรัฐ", en: "This link is not from the app" })}</h1>
        <p class="verdict bad" role="alert">
          ✕{" "}
          {tr({
            th: "ไม่พบลิงก์นี้ในข้อความจากรัฐ อย่าเปิดต่อ และอย่าให้ข้อมูลส่วนตัว",
            en: "No government message has this link. Do not follow it or give personal details.",
          })}
        </p>
        <p>
          <a class="button primary" href="/inbox">
            {tr({ th: "ไปที่กล่องข้อความ", en: "Go to your messages" })}
          </a>
        </p>
      </section>
    );
  }
  const link = load.data;
  return (
    <section aria-label={tr({ th: "ออกจากแอป", en: "Leaving the app" })}>
      <LeavingNotice
        headingLevel={1}
        agency={pick(link, "agency_name")}
        url={link.url}
        registered={link.registered}
        onBack={back}
      />
    </section>
  );
}
