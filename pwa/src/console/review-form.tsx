// What a reviewer decides on one tile or connector: approve, or return it with a comment written in a
// form (the comment is required, and a refusal from the API is shown beside the field).
import { useState } from "preact/hooks";

import { Field } from "../ui/field";
import { problemsOf, useFieldText, useProblemText } from "./problems";
import { useWords } from "./words";

export function ReviewDecision({
  id,
  approveLabel,
  approve,
  sendBack,
  done,
}: {
  id: string;
  approveLabel: string;
  approve: () => Promise<unknown>;
  sendBack: (comment: string) => Promise<unknown>;
  done: (message: string) => void;
}) {
  const { w } = useWords();
  const problemText = useProblemText();
  const fieldText = useFieldText();
  const [returning, setReturning] = useState(false);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);

  async function run(sending: () => Promise<unknown>, message: string) {
    setError(null);
    try {
      await sending();
      done(message);
    } catch (problem) {
      setError(problem);
    }
  }
  async function submit(event: Event) {
    event.preventDefault();
    if (!comment.trim()) {
      setMissing(true);
      return;
    }
    setMissing(false);
    await run(() => sendBack(comment.trim()), w("returned"));
  }
  const commentErrors = [...(missing ? [w("commentRequired")] : []), ...problemsOf(error, "comment").map(fieldText)];
  return (
    <div class="review-decision">
      {error !== null && commentErrors.length === 0 && <p role="alert">{problemText(error)}</p>}
      {!returning ? (
        <p class="actions">
          <button type="button" class="primary" onClick={() => run(approve, w("done"))}>
            {approveLabel}
          </button>{" "}
          <button type="button" aria-expanded="false" aria-controls={`${id}-return`} onClick={() => setReturning(true)}>
            {w("returnWithComment")}
          </button>
        </p>
      ) : (
        <form id={`${id}-return`} onSubmit={submit} noValidate>
          <Field label={w("whatToChange")} errors={commentErrors}>
            <textarea rows={3} maxLength={1000} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          </Field>
          <p class="actions">
            <button type="submit" class="primary">{w("sendBack")}</button>{" "}
            <button type="button" onClick={() => setReturning(false)}>{w("cancel")}</button>
          </p>
        </form>
      )}
    </div>
  );
}
