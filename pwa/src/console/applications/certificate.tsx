// Agency console: issuing an application's signed certificate, its wording prefilled from the answers
// (answers.ts) for the officer to check, or the agency's own PDF.
import { useState } from "preact/hooks";

import { request, type Schema } from "../../api";
import { Field } from "../../ui/field";
import { type ApplicationService, certificateDraft } from "../answers";
import { useProblemText } from "../problems";
import { useWords } from "../words";

export function IssueCertificate({
  path,
  view,
  service,
  issued,
}: {
  path: { agency_id: number; application_id: string };
  view: Schema<"ApplicationView">;
  service: ApplicationService | undefined;
  issued: (document: Schema<"DocumentView">) => void;
}) {
  const { w } = useWords();
  const problemText = useProblemText();
  const [form, setForm] = useState(() => certificateDraft(service, view, view.answers));
  /** The agency's own PDF instead of the one the platform renders from the details. */
  const [ownPdf, setOwnPdf] = useState<File | null | "wanted">(null);
  const [problem, setProblem] = useState("");
  const [busy, setBusy] = useState(false);
  const setLine = (index: number, key: keyof Schema<"DetailLine">) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setForm({ ...form, details: form.details.map((line, i) => (i === index ? { ...line, [key]: value } : line)) });
  };

  async function issue(event: Event) {
    event.preventDefault();
    setProblem("");
    setBusy(true);
    const details = form.details
      .map((line) => ({ label_th: line.label_th.trim(), label_en: line.label_en.trim(), value: line.value.trim() }))
      .filter((line) => line.label_th || line.label_en || line.value);
    try {
      if (ownPdf === null) {
        const body = { ...form, details };
        issued((await request("POST", "/api/v1/agency/{agency_id}/applications/{application_id}/document", { path, body })).data);
      } else if (ownPdf !== "wanted") {
        const parts = new FormData();
        parts.append("title_th", form.title_th.trim());
        parts.append("title_en", form.title_en.trim());
        parts.append("file", ownPdf, ownPdf.name);
        issued((await request("POST", "/api/v1/agency/{agency_id}/applications/{application_id}/document/file", { path, body: parts })).data);
      }
    } catch (error) {
      setProblem(problemText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={issue} aria-labelledby="issue-title" class="issue">
      <h4 id="issue-title">{w("issueCertificate")}</h4>
      <p class="meta">{w("issueExplained")}</p>
      <Field label={w("titleTh")}>
        <input required maxLength={200} value={form.title_th} onInput={(event) => setForm({ ...form, title_th: event.currentTarget.value })} />
      </Field>
      <Field label={w("titleEn")}>
        <input required maxLength={200} value={form.title_en} onInput={(event) => setForm({ ...form, title_en: event.currentTarget.value })} />
      </Field>
      <fieldset>
        <legend>{w("documentSource")}</legend>
        <label class="check">
          <input type="radio" name="document-source" checked={ownPdf === null} onChange={() => setOwnPdf(null)} /> {w("renderByPlatform")}
        </label>
        <label class="check">
          <input type="radio" name="document-source" checked={ownPdf !== null} onChange={() => setOwnPdf("wanted")} /> {w("uploadOwnPdf")}
        </label>
      </fieldset>
      {ownPdf !== null && (
        <Field label={w("pdfFile")}>
          <input
            type="file"
            required
            accept="application/pdf,.pdf"
            onChange={(event) => setOwnPdf(event.currentTarget.files?.[0] ?? "wanted")}
          />
        </Field>
      )}
      {ownPdf === null && (
        <fieldset>
          <legend>{w("documentDetails")}</legend>
          {form.details.map((line, index) => (
            <fieldset key={index}>
              <legend>{w("line")} {index + 1}</legend>
              <div class="console-grid">
                <Field label={w("labelTh")}><input required maxLength={100} value={line.label_th} onInput={setLine(index, "label_th")} /></Field>
                <Field label={w("labelEn")}><input required maxLength={100} value={line.label_en} onInput={setLine(index, "label_en")} /></Field>
              </div>
              <Field label={w("value")}><input required maxLength={300} value={line.value} onInput={setLine(index, "value")} /></Field>
              <button type="button" onClick={() => setForm({ ...form, details: form.details.filter((_, i) => i !== index) })}>
                {w("removeLine")}
              </button>
            </fieldset>
          ))}
          <button
            type="button"
            disabled={form.details.length >= 20}
            onClick={() => setForm({ ...form, details: [...form.details, { label_th: "", label_en: "", value: "" }] })}
          >
            {w("addLine")}
          </button>
        </fieldset>
      )}
      {problem && <p role="alert" class="warn">{problem}</p>}
      <button type="submit" class="primary" disabled={busy}>{w("issue")}</button>
    </form>
  );
}
