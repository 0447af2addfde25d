// A counter staff member's open request, on the home screen (docs/delegation.md, assisted mode): an
// elderly citizen standing at the counter opens the app and sees it first, with one button to Settings'
// "help at a service counter", where they choose what the staff member may do and confirm.
import { useApp, useLoad } from "../state";

export function CounterRequestCard() {
  const { tr } = useApp();
  const [load] = useLoad("/api/v1/me/delegations");
  if (load.status !== "ok") return null;
  const asking = load.data.given.filter(
    (grant) => grant.kind === "assisted" && grant.status === "invited" && grant.ends_at != null && new Date(grant.ends_at).getTime() > Date.now(),
  );
  return (
    <>
      {asking.map((grant) => (
        <div key={grant.id} class="notice assisted-ask counter-request" role="alert">
          <p>
            <strong>
              {tr({
                th: `เจ้าหน้าที่ ${grant.other.name_th} ที่ ${grant.service_point ?? ""} ขอช่วยทำรายการแทนคุณ 1 ชั่วโมง`,
                en: `${grant.other.name_en}, counter staff at ${grant.service_point ?? ""}, asks to help you for one hour`,
              })}
            </strong>
          </p>
          <p>
            {tr({
              th: "ถ้าคุณอยู่ที่จุดบริการนี้ กดปุ่มด้านล่างเพื่อเลือกเรื่องที่ให้ช่วยและยืนยัน ถ้าคุณไม่ได้ขอ ไม่ต้องทำอะไร",
              en: "If you are at this service point, tap below to choose what they may do and confirm. If you did not ask, do nothing.",
            })}
          </p>
          <a class="button primary" href="/settings#assisted">
            {tr({ th: "ดูคำขอและยืนยัน", en: "See the request and confirm" })}
          </a>
        </div>
      ))}
    </>
  );
}
