// Agency console: the moves an officer can make on an application now (the server says which are
// legal), each confirmed with its note or fee; a move someone else made first is shown, not forced.
import { useState } from "preact/hooks";

import { ApiError, request, type Schema } from "../../api";
import { Field } from "../../ui/field";
import { problemsOf, useProblemText } from "../problems";
import { useWords } from "../words";

type ApplicationView = Schema<"ApplicationView">;
/** The agency's moves this console offers (document_issued is reached by issuing the document). */
const MOVES = ["in_review", "more_information_requested", "approved", "rejected", "fee_due", "closed"] as const;
type Move = (typeof MOVES)[number];
const NOTE_REQUIRED: readonly string[] = ["more_information_requested", "rejected"];

export function Actions({
  path,
  view,
  moved,
  refresh,
}: {
  path: { agency_id: number; application_id: string };
  view: ApplicationView;
  moved: (next: ApplicationView) => void;
  refresh: () => Promise<void>;
}) {
  const { w, named } = useWords();
  const problemText = useProblemText();
  const moves = MOVES.filter((move) => view.next_states.includes(move));
  const defaultFee = view.service_fee_satang ? String(view.service_fee_satang / 100) : "";
  const [chosen, setChosen] = useState<Move | null>(null);
  const [note, setNote] = useState("");
  const [fee, setFee] = useState(defaultFee);
  const [problem, setProblem] = useState<{ text: string; field: "note" | "fee" | null } | null>(null);
  /** The move just made, said while the application is still where it moved it. */
  const [done, setDone] = useState<Move | null>(null);
  const [busy, setBusy] = useState(false);

  function choose(move: Move | null) {
    setChosen(move);
    setNote("");
    setFee(defaultFee);
    setProblem(null);
    setDone(null);
  }
  async function move(to: Move) {
    setProblem(null);
    setDone(null);
    const trimmed = note.trim();
    if (NOTE_REQUIRED.includes(to) && !trimmed) {
      setProblem({ text: w("noteRequired"), field: "note" });
      document.getElementById("move-note")?.focus();
      return;
    }
    const satang = Math.round(Number(fee) * 100);
    if (to === "fee_due" && !(satang > 0)) {
      setProblem({ text: w("feeRequired"), field: "fee" });
      document.getElementById("move-fee")?.focus();
      return;
    }
    const body = { state: to, ...(trimmed ? { note: trimmed } : {}), ...(to === "fee_due" ? { fee_satang: satang } : {}) };
    setBusy(true);
    try {
      moved((await request("POST", "/api/v1/agency/{agency_id}/applications/{application_id}/status", { path, body })).data);
      setChosen(null);
      setNote("");
      setDone(to);
    } catch (error) {
      const field = problemsOf(error, "note").length ? "note" : problemsOf(error, "fee_satang").length ? "fee" : null;
      const conflict = error instanceof ApiError && error.status === 409;
      setProblem({ text: conflict ? `${w("notPossibleNow")}: ${problemText(error)}` : problemText(error), field });
      if (conflict) {
        // Not a legal move from where the application is now (someone else moved it): show where that is.
        setChosen(null);
        await refresh();
      }
    } finally {
      setBusy(false);
    }
  }

  const problemLine = problem && <p role="alert" id="move-problem" class="warn">{problem.text}</p>;
  return (
    <section aria-labelledby="next-step-title">
      <h4 id="next-step-title">{w("nextStep")}</h4>
      {moves.length === 0 && <p>{w("noNextStep")}</p>}
      <div class="actions">
        {moves.map((to) =>
          to === "in_review" ? (
            // Taking the application up needs no words; every other move is confirmed.
            <button key={to} type="button" class="primary" disabled={busy} onClick={() => { choose(null); void move(to); }}>
              {named("do_", to)}
            </button>
          ) : (
            <button key={to} type="button" aria-pressed={chosen === to} aria-controls={chosen ? "move-form" : undefined} onClick={() => choose(chosen === to ? null : to)}>
              {named("do_", to)}
            </button>
          ),
        )}
      </div>
      {chosen && (
        <form id="move-form" aria-label={named("do_", chosen)} onSubmit={(event) => { event.preventDefault(); void move(chosen); }}>
          {chosen === "fee_due" && (
            <>
              <Field label={w("feeBaht")}>
                <input
                  id="move-fee"
                  type="number"
                  inputMode="decimal"
                  min="0.01"
                  step="0.01"
                  value={fee}
                  aria-invalid={problem?.field === "fee"}
                  aria-describedby={problem?.field === "fee" ? "move-problem" : undefined}
                  onInput={(event) => setFee(event.currentTarget.value)}
                />
              </Field>
              <p class="meta">{w("feeBecomesBill")}</p>
            </>
          )}
          {chosen !== "fee_due" && (
            <Field label={w(chosen === "more_information_requested" ? "noteNeeded" : chosen === "rejected" ? "noteWhy" : "noteOptional")}>
              <textarea
                id="move-note"
                maxLength={2000}
                value={note}
                aria-required={NOTE_REQUIRED.includes(chosen)}
                aria-invalid={problem?.field === "note"}
                aria-describedby={problem?.field === "note" ? "move-problem" : undefined}
                onInput={(event) => setNote(event.currentTarget.value)}
              />
            </Field>
          )}
          {problemLine}
          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>{named("do_", chosen)}</button>
            <button type="button" onClick={() => choose(null)}>{w("cancel")}</button>
          </div>
        </form>
      )}
      {!chosen && problemLine}
      {done && done === view.state && <p role="status">{w("movedTo")} "{named("state_", done)}"</p>}
    </section>
  );
}
