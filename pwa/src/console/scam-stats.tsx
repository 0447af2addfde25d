// The administration's view of scam reports: how many came in each day of the last 30 (Bangkok days) and
// how many warnings were published, as bars with the figures written beside them (no chart library).
import { formatDate } from "../i18n";
import { useApp, useLoad } from "../state";
import { Loaded } from "../ui/loaded";

export function ScamStats() {
  const { tr, language } = useApp();
  const [load, reload] = useLoad("/api/v1/admin/scam-stats");
  return (
    <section class="scam-stats" aria-labelledby="scam-stats-title">
      <h3 id="scam-stats-title">{tr({ th: "รายงานข้อความหลอกลวง 30 วันล่าสุด", en: "Scam reports, the last 30 days" })}</h3>
      <Loaded load={load} reload={reload}>
        {(stats) => {
          const most = Math.max(1, ...stats.days.map((day) => day.reports));
          const total = stats.days.reduce((sum, day) => sum + day.reports, 0);
          return (
            <>
              <p>
                {tr({
                  th: `รวม ${total} รายงาน · รอตรวจ ${stats.pending} · ประกาศเตือนที่ใช้อยู่ ${stats.warnings_active} · ประกาศเตือนทั้งหมด ${stats.warnings_published}`,
                  en: `${total} reports · ${stats.pending} waiting · ${stats.warnings_active} warnings in force · ${stats.warnings_published} warnings published in all`,
                })}
              </p>
              <table class="day-bars">
                <thead>
                  <tr>
                    <th scope="col">{tr({ th: "วันที่", en: "Day" })}</th>
                    <th scope="col">{tr({ th: "รายงาน", en: "Reports" })}</th>
                    <th scope="col">{tr({ th: "ประกาศเตือน", en: "Warnings" })}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...stats.days].reverse().map((day) => (
                    <tr key={day.day}>
                      <th scope="row">{formatDate(language, `${day.day}T12:00:00+07:00`)}</th>
                      <td>
                        <span class="bar" style={{ width: `${(day.reports / most) * 6}rem` }} aria-hidden="true" /> {day.reports}
                      </td>
                      <td>{day.warnings}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
