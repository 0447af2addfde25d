// Agency console: message templates (each save a new version if the key exists). Placeholders are
// written {name}, as the backend reads them; sending is agency-send.tsx.
import { useState } from "preact/hooks";

import { request } from "../api";
import { useLoad } from "../state";
import { Field } from "../ui/field";
import { Loaded } from "../ui/loaded";
import { useAgencyWords } from "./agency-words";
import { useProblemText } from "./problems";
import { useWords } from "./words";

export function TemplatesPanel({ agencyId }: { agencyId: number }) {
  const { w, pick } = useWords();
  const { a } = useAgencyWords();
  const problemText = useProblemText();
  const [load, reload] = useLoad("/api/v1/agency/{agency_id}/notification-templates", { path: { agency_id: agencyId } });
  const [form, setForm] = useState({ key: "", category: "general", title_th: "", title_en: "", body_th: "", body_en: "" });
  const [message, setMessage] = useState("");
  const set = (key: keyof typeof form) => (event: Event) =>
    setForm({ ...form, [key]: (event.currentTarget as HTMLInputElement).value });
  async function save(event: Event) {
    event.preventDefault();
    try {
      await request("POST", "/api/v1/agency/{agency_id}/notification-templates", { path: { agency_id: agencyId }, body: form });
      setMessage(w("templateSaved"));
      reload();
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  return (
    <>
      <Loaded load={load} reload={reload}>
        {(templates) => (
          <table>
            <thead><tr><th scope="col">{w("key")}</th><th scope="col">{w("version")}</th><th scope="col">{w("title")}</th><th scope="col">{w("placeholders")}</th></tr></thead>
            <tbody>
              {templates.map((template) => (
                <tr key={template.id}>
                  <td><code>{template.key}</code></td>
                  <td>{template.version}</td>
                  <td>{pick(template, "title")}</td>
                  <td>{template.placeholders.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <h3>{w("newTemplate")}</h3>
      <form onSubmit={save}>
        <Field label={w("key")}><input required pattern="[a-z][a-z0-9-]{1,59}" value={form.key} onInput={set("key")} /></Field>
        <Field label={w("category")}><input required value={form.category} onInput={set("category")} /></Field>
        <Field label={w("titleTh")}><input required value={form.title_th} onInput={set("title_th")} /></Field>
        <Field label={w("titleEn")}><input required value={form.title_en} onInput={set("title_en")} /></Field>
        <Field label={a("templateTextTh")}><textarea required value={form.body_th} onInput={set("body_th")} /></Field>
        <Field label={a("templateTextEn")}><textarea required value={form.body_en} onInput={set("body_en")} /></Field>
        <button type="submit" class="primary">{w("saveTemplate")}</button>
        {message && <p role="status">{message}</p>}
      </form>
    </>
  );
}
