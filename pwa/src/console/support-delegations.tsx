// Support: who acts for the citizen found and for whom they act (docs/delegation.md), national IDs
// masked. Looking is recorded for the citizen; support can see grants, never change them.
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { formatDate } from "../i18n";
import { label } from "../vocabulary";
import { useProblemText } from "./problems";
import { useWords } from "./words";

export function SupportDelegations({ citizenId, masked }: { citizenId: string; masked: string }) {
  const { w, named, language, pick } = useWords();
  const problemText = useProblemText();
  const [shown, setShown] = useState<Schema<"SupportDelegations"> | null>(null);
  const [message, setMessage] = useState("");

  async function show() {
    try {
      const path = { citizen_id: citizenId };
      setShown((await request("GET", "/api/v1/support/citizens/{citizen_id}/delegations", { path })).data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  return (
    <>
      <button type="button" aria-pressed={shown !== null} onClick={() => void show()}>
        {w("showDelegations")}
      </button>
      {message && <p role="status">{message}</p>}
      {shown && (
        <section aria-labelledby="delegations-title">
          <h3 id="delegations-title">
            {w("delegations")}: {w("citizenLabel")} {masked}
          </h3>
          <p class="notice" role="note">
            {w("delegationsRecorded")}
          </p>
          {shown.delegations.length === 0 && <p>{w("noDelegationsFor")}</p>}
          <ul class="list">
            {shown.delegations.map((item) => (
              <li key={item.id}>
                <strong>{w(item.direction === "given" ? "actsForThem" : "theyActFor")}</strong>{" "}
                {pick(item, "other_name")} ({item.other_national_id_masked}) ·{" "}
                {label(language, "delegationKind", item.kind)} ·{" "}
                <span class="status">{named("delegation_", item.status)}</span> · {w("until")}{" "}
                {formatDate(language, item.ends_on)}
                <br />
                {item.scopes.map((scope) => pick(scope, "label")).join(", ")}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
