// Counter staff (docs/delegation.md, assisted mode): help a person at the service point for one hour.
// Only the person starts it: they confirm the request in their own app, or read out the code their app
// made. Then the staff member acts for them in the app, as a delegate does, with a banner counting down.
// National IDs are shown masked; the person's name only once they agreed.
import { useState } from "preact/hooks";

import { startActing } from "../acting";
import { apiPath, request, type Schema } from "../api";
import { formatTime } from "../i18n";
import { useLive } from "../live";
import { useApp, useLoad } from "../state";
import { Field } from "../ui/field";
import { problemsOf, useFieldText, useProblemText } from "./problems";
import { useWords } from "./words";

type Session = Schema<"CounterSessionView">;
const POINT_KEY = "counter-service-point";

function SessionItem({ session, onEnd }: { session: Session; onEnd: () => void }) {
  const { w, pick, language, named } = useWords();
  const { navigate } = useApp();
  const name = session.citizen_name_th ? pick(session, "citizen_name") : null;
  const open = session.status === "active" && new Date(session.ends_at).getTime() > Date.now();
  return (
    <li>
      <p>
        <strong>{name ?? w("citizenLabel")}</strong> ({session.national_id_masked}) ·{" "}
        <span class="status">{named("delegation_", session.status)}</span>
      </p>
      <p class="meta">
        {session.status === "invited" ? w("waitingForThem") : `${w("helpUntil")} ${formatTime(language, session.ends_at)}`} ·{" "}
        {session.scopes.map((scope) => pick(scope, "label")).join(", ")}
      </p>
      {open && (
        <div class="actions">
          <button
            type="button"
            class="primary"
            onClick={() => {
              startActing({
                id: session.id,
                name_th: session.citizen_name_th ?? "",
                name_en: session.citizen_name_en ?? "",
                scopes: session.scopes.map((scope) => scope.key),
                ends_at: session.ends_at,
              });
              navigate("/");
            }}
          >
            {w("helpNow")} {name}
          </button>
          <button
            type="button"
            onClick={() =>
              void request("POST", "/api/v1/me/delegations/{delegation_id}/end", {
                path: { delegation_id: session.id },
                body: { reason: "" },
              }).finally(onEnd)
            }
          >
            {w("endHelp")}
            <span class="visually-hidden"> ({name ?? session.national_id_masked})</span>
          </button>
        </div>
      )}
    </li>
  );
}

export function CounterConsole() {
  const { w } = useWords();
  const problemText = useProblemText();
  const fieldText = useFieldText();
  const [sessions, reload, show] = useLoad("/api/v1/counter/sessions");
  const [point, setPoint] = useState(() => localStorage.getItem(POINT_KEY) ?? "");
  const [nationalId, setNationalId] = useState("");
  const [code, setCode] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [said, setSaid] = useState("");
  const errorsOf = (field: string) => problemsOf(error, field).map(fieldText);

  // A request waits for the person to confirm on their phone: the server tells when they do (or it
  // lapses); the stream is closed once no request waits.
  const waiting = sessions.status === "ok" && sessions.data.sessions.some((item) => item.status === "invited");
  useLive<Schema<"CounterSessions">>(waiting ? apiPath("/api/v1/counter/sessions/live") : null, "sessions", show);

  async function start(byCode: boolean) {
    setError(null);
    setSaid("");
    localStorage.setItem(POINT_KEY, point);
    try {
      const body = { national_id: nationalId, service_point: point.trim() };
      if (byCode) await request("POST", "/api/v1/counter/sessions/by-code", { body: { ...body, code } });
      else await request("POST", "/api/v1/counter/sessions", { body });
      setSaid(w(byCode ? "helpStarted" : "askSent"));
      setNationalId("");
      setCode("");
      reload();
    } catch (problem) {
      setError(problem);
    }
  }

  const fieldsNamed = ["national_id", "service_point", "code"].some((field) => problemsOf(error, field).length > 0);
  return (
    <section aria-labelledby="counter-title">
      <h2 id="counter-title">{w("counter")}</h2>
      <p class="meta">{w("counterIntro")}</p>
      <form class="stack" onSubmit={(event) => event.preventDefault()} noValidate>
        <Field label={w("servicePoint")} errors={errorsOf("service_point")}>
          <input name="service_point" maxLength={120} value={point} onInput={(event) => setPoint(event.currentTarget.value)} />
        </Field>
        <Field label={w("citizenNationalId")} errors={errorsOf("national_id")}>
          <input
            name="national_id"
            inputMode="numeric"
            autoComplete="off"
            maxLength={13}
            value={nationalId}
            onInput={(event) => setNationalId(event.currentTarget.value.replace(/\D/g, ""))}
          />
        </Field>
        <button type="button" onClick={() => void start(false)}>
          {w("askOnPhone")}
        </button>
        <Field label={w("theirCode")} errors={errorsOf("code")}>
          <input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onInput={(event) => setCode(event.currentTarget.value.replace(/\D/g, ""))}
          />
        </Field>
        <button type="button" class="primary" onClick={() => void start(true)}>
          {w("startWithCode")}
        </button>
      </form>
      <p role="status">{said}</p>
      {error !== null && !fieldsNamed && (
        <p class="notice error" role="alert">
          {problemText(error)}
        </p>
      )}
      <h3>{w("counterSessions")}</h3>
      {sessions.status === "ok" &&
        (sessions.data.sessions.length === 0 ? (
          <p>{w("noCounterSessions")}</p>
        ) : (
          <ul class="list">
            {sessions.data.sessions.map((item) => (
              <SessionItem key={item.id} session={item} onEnd={reload} />
            ))}
          </ul>
        ))}
    </section>
  );
}
