// Agency console: message templates (each save a new version if the key exists). Placeholders are
// written {name}, as the backend reads them; sending is agency-send.tsx.
import { useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { choices, label } from "../vocabulary";
import { useAgencyWords } from "./agency-words";
import { problemsOf, useFieldText, useProblemText } from "./problems";
import { useWords } from "./words";

const FIELDS = ["key", "category", "title_th", "title_en", "body_th", "body_en"];

export function TemplatesPanel({ agencyId }: { agencyId: number }) {
  const { w, pick, language } = useWords();
  const { a } = useAgencyWords();
  const problemText = useProblemText();
  const fieldText = useFieldText();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/notification-templates", { path: { agency_id: agencyId } });
  const [form, setForm] = useState<Schema<"NewTemplate">>({ key: "", category: "general", title_th: "", title_en: "", body_th: "", body_en: "" });
  const [message, setMessage] = useState("");
  const [error, setError] = useState<unknown>(null);
  const errorsOf = (field: string) => problemsOf(error, field).map(fieldText);
  const set = (key: keyof typeof form) => (event: Event) =>
    setForm({ ...form, [key]: (event.currentTarget as HTMLInputElement).value });
  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    setMessage("");
    try {
      await request("POST", "/api/v1/agency/{agency_id}/notification-templates", { path: { agency_id: agencyId }, body: form });
      setMessage(w("templateSaved"));
      reload();
    } catch (problem) {
      // Each field's problem is said beside it; anything else under the form.
      setError(problem);
      if (!FIELDS.some((field) => problemsOf(problem, field).length > 0)) setMessage(problemText(problem));
    }
  }
  return (
    <>
      <Loaded load={load} reload={reload}>
        {(templates) => (
          <table tabIndex={0} aria-label={w("templates")}>
            <thead><tr><th scope="col">{w("key")}</th><th scope="col">{w("version")}</th><th scope="col">{w("title")}</th><th scope="col">{a("messageCategory")}</th><th scope="col">{w("placeholders")}</th></tr></thead>
            <tbody>
              {templates.map((template) => (
                <tr key={template.id}>
                  <td><code>{template.key}</code></td>
                  <td>{template.version}</td>
                  <td>{pick(template, "title")}</td>
                  <td>{label(language, "messageCategory", template.category)}</td>
                  <td>{template.placeholders.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <h3>{w("newTemplate")}</h3>
      <form onSubmit={save}>
        <Field label={w("key")} errors={errorsOf("key")}><input required pattern="[a-z][a-z0-9-]{1,59}" value={form.key} onInput={set("key")} /></Field>
        <Field label={a("messageCategory")} errors={errorsOf("category")}>
          <small class="hint">{a("messageCategoryHint")}</small>
          <select value={form.category} onChange={set("category")}>
            {choices(language, "messageCategory").map(([code, words]) => <option key={code} value={code}>{words}</option>)}
          </select>
        </Field>
        <Field label={w("titleTh")} errors={errorsOf("title_th")}><input required value={form.title_th} onInput={set("title_th")} /></Field>
        <Field label={w("titleEn")} errors={errorsOf("title_en")}><input required value={form.title_en} onInput={set("title_en")} /></Field>
        <Field label={a("templateTextTh")} errors={errorsOf("body_th")}><textarea required value={form.body_th} onInput={set("body_th")} /></Field>
        <Field label={a("templateTextEn")} errors={errorsOf("body_en")}><textarea required value={form.body_en} onInput={set("body_en")} /></Field>
        <button type="submit" class="primary">{w("saveTemplate")}</button>
        {message && <p role="status">{message}</p>}
      </form>
    </>
  );
}
