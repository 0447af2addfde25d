// Agency console: one connector's health (its circuit breaker, calls and failures of the last 24 hours,
// the latency of its recent calls) and a test call with a national ID the agency supplies, in words.
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { isNationalId } from "./bill-form";
import { useAgencyWords } from "./agency-words";
import { useProblemText } from "./problems";
import { useWords } from "./words";

export function ConnectorHealth({ agencyId, connectorId }: { agencyId: number; connectorId: number }) {
  const { when } = useWords();
  const { a, named } = useAgencyWords();
  const path = { agency_id: agencyId, connector_id: connectorId };
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/connectors/{connector_id}/health", { path });
  const ms = (value: number | null) => (value === null ? a("noCallsYet") : `${value} ${a("milliseconds")}`);
  return (
    <>
      <Loaded load={load} reload={reload}>
        {(health) => (
          <dl class="facts">
            <div><dt>{a("circuitState")}</dt><dd class={health.circuit === "closed" ? "status" : "warning"}>{named("circuit_", health.circuit)}</dd></div>
            <div><dt>{a("calls24h")}</dt><dd>{health.calls_24h}</dd></div>
            <div><dt>{a("failures24h")}</dt><dd class={health.failures_24h > 0 ? "warning" : undefined}>{health.failures_24h}</dd></div>
            <div><dt>{a("lastFailure")}</dt><dd>{health.last_failure_at ? when(health.last_failure_at) : a("noneYet")}</dd></div>
            <div><dt>{a("latencyMedian")}</dt><dd>{ms(health.latency_median_ms)}</dd></div>
            <div><dt>{a("latencyP95")}</dt><dd>{ms(health.latency_p95_ms)}</dd></div>
          </dl>
        )}
      </Loaded>
      <TestCall agencyId={agencyId} connectorId={connectorId} tested={reload} />
    </>
  );
}

function TestCall({ agencyId, connectorId, tested }: { agencyId: number; connectorId: number; tested: () => void }) {
  const { pick } = useWords();
  const { a, named, tr } = useAgencyWords();
  const problemText = useProblemText();
  const [nationalId, setNationalId] = useState("");
  const [result, setResult] = useState<Schema<"ConnectorTestResult"> | null>(null);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  async function test(event: Event) {
    event.preventDefault();
    setProblem("");
    setResult(null);
    if (!isNationalId(nationalId)) return setProblem(a("badNationalId"));
    setBusy(true);
    try {
      const { data } = await request("POST", "/api/v1/agency/{agency_id}/connectors/{connector_id}/test", {
        path: { agency_id: agencyId, connector_id: connectorId },
        body: { national_id: nationalId },
      });
      setResult(data);
      tested();
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setBusy(false);
    }
  }
  const id = `test-${connectorId}`;
  return (
    <form onSubmit={test} aria-labelledby={id}>
      <h5 id={id}>{a("testConnection")}</h5>
      <p class="meta">{a("testExplained")}</p>
      <Field label={a("testNationalId")}>
        <input inputMode="numeric" maxLength={13} autoComplete="off" value={nationalId} onInput={(event) => setNationalId(event.currentTarget.value)} />
      </Field>
      <button type="submit" disabled={busy}>{a(busy ? "testing" : "testConnection")}</button>
      {problem && <p role="alert" class="notice error">{problem}</p>}
      {result && (
        <div role="status" class={`notice ${result.ok ? "success" : "error"}`}>
          <p>
            {result.ok ? a("testOk") : `${a("testFailed")}: ${tr({ th: result.reason_th ?? "", en: result.reason_en ?? "" })}`}{" "}
            ({a("answeredIn")} {result.latency_ms} {a("milliseconds")})
          </p>
          {result.ok && (
            <p>
              {result.entitlements.length === 0
                ? a("noEntitlements")
                : `${a("entitlementsFound")}: ${result.entitlements.map((e) => `${pick(e, "scheme_name")} (${named("entitlement_", e.status)})`).join(", ")}`}
            </p>
          )}
        </div>
      )}
    </form>
  );
}
