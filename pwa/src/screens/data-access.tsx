// Who accessed my data: newest first, in the citizen's language, filterable by agency and by kind, older
// entries a tap away ("ดูเพิ่มเติม"). Repeated calls to one agency arrive grouped (with their count and
// time span), so a staff look-up stays in sight behind routine refreshes.
import { useEffect, useState } from "preact/hooks";

import { ApiError, request, type Schema } from "../api";
import { type Bilingual, formatDate, formatTime } from "../i18n";
import { useApp } from "../state";
import { Field } from "../ui/field";
import { ErrorNotice } from "../ui/notice";
import { label } from "../vocabulary";

type Record_ = Schema<"DataAccessView">;
type Kind = Record_["kind"];

const KINDS: Record<Kind, Bilingual> = {
  agency_call: { th: "ระบบถามข้อมูลจากหน่วยงาน", en: "Agency calls" },
  staff_lookup: { th: "เจ้าหน้าที่เปิดดู", en: "Staff look-ups" },
  document_share: { th: "การแชร์เอกสาร", en: "Document shares" },
  delegation: { th: "การทำแทนคุณ", en: "Acting for you" },
};

function Entry({ record }: { record: Record_ }) {
  const { tr, pick, language, named } = useApp();
  const fields = pick(record, "fields");
  const detail = pick(record, "detail");
  // An agency's connector, the agency, or the person acting for the citizen, by name.
  const who = pick(record, "connector_title") ?? pick(record, "agency_name") ?? pick(record, "actor_name");
  return (
    <li>
      <p class="meta">
        {record.count > 1 && record.first_at ? (
          <>
            <time dateTime={record.first_at}>{formatDate(language, record.first_at, true)}</time>
            {" – "}
            <time dateTime={record.at}>{formatTime(language, record.at)}</time>
          </>
        ) : (
          <time dateTime={record.at}>{formatDate(language, record.at, true)}</time>
        )}
        {" · "}
        {tr(KINDS[record.kind])}
      </p>
      <p>
        {who && <strong>{who} </strong>}({named("", record.actor_kind)}) · {pick(record, "purpose")}
        {record.count > 1 && ` · ${tr({ th: `${record.count} ครั้ง`, en: `${record.count} times` })}`}
      </p>
      {fields.length > 0 && (
        <p class="meta">
          {tr({ th: "ข้อมูล", en: "Data" })}: {fields.join(", ")}
        </p>
      )}
      {(record.outcome !== "ok" || detail) && (
        <p class="meta">
          {record.outcome !== "ok" && <strong>{label(language, "accessOutcome", record.outcome)}</strong>}
          {record.outcome !== "ok" && detail ? " · " : ""}
          {detail ?? ""}
        </p>
      )}
    </li>
  );
}

export function DataAccess() {
  const { t, tr, pick, problem } = useApp();
  const [kind, setKind] = useState<Kind | "">("");
  const [agency, setAgency] = useState("");
  const [items, setItems] = useState<Record_[]>([]);
  const [agencies, setAgencies] = useState<Schema<"AgencyName">[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [state, setState] = useState<"loading" | "ok" | "more">("loading");
  const [error, setError] = useState("");

  async function load(before: number | null) {
    setState(before === null ? "loading" : "more");
    setError("");
    try {
      const { data } = await request("GET", "/api/v1/me/data-access", {
        query: { before: before ?? undefined, kind: kind || undefined, agency_id: agency ? Number(agency) : undefined },
      });
      setItems((shown) => (before === null ? data.items : [...shown, ...data.items]));
      setAgencies(data.agencies);
      setNext(data.next_before);
    } catch (failure) {
      setError(problem(failure instanceof ApiError ? failure : new ApiError(0, "", "")));
    }
    setState("ok");
  }

  useEffect(() => {
    void load(null);
  }, [kind, agency]);

  return (
    <section aria-labelledby="access-title">
      <h1 id="access-title">{t("dataAccess")}</h1>
      <div class="filters">
        <Field label={tr({ th: "ประเภท", en: "Kind" })}>
          <select value={kind} onChange={(event) => setKind(event.currentTarget.value as Kind | "")}>
            <option value="">{tr({ th: "ทุกประเภท", en: "All kinds" })}</option>
            {(Object.keys(KINDS) as Kind[]).map((key) => (
              <option key={key} value={key}>
                {tr(KINDS[key])}
              </option>
            ))}
          </select>
        </Field>
        <Field label={tr({ th: "หน่วยงาน", en: "Agency" })}>
          <select value={agency} onChange={(event) => setAgency(event.currentTarget.value)}>
            <option value="">{tr({ th: "ทุกหน่วยงาน", en: "All agencies" })}</option>
            {agencies.map((row) => (
              <option key={row.id} value={String(row.id)}>
                {pick(row, "name")}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorNotice text={error} />
      {state === "loading" ? (
        <p role="status">{t("loading")}</p>
      ) : (
        <>
          {items.length === 0 && !error && <p>{tr({ th: "ยังไม่มีการเข้าถึงข้อมูลของคุณ", en: "No one has accessed your data yet." })}</p>}
          <ol class="timeline access">
            {items.map((record) => (
              <Entry key={record.id} record={record} />
            ))}
          </ol>
          {next !== null && (
            <button type="button" class="more" disabled={state === "more"} onClick={() => load(next)}>
              {state === "more" ? t("loading") : tr({ th: "ดูเพิ่มเติม", en: "Show older entries" })}
            </button>
          )}
        </>
      )}
    </section>
  );
}
