// The application form's view: the error summary, each question by its kind, the draft's saving state
// beside the "continue" button (on to "check your answers"), and discarding the draft after asking.
// Its state and what it sends are use-application-form.ts.
import { useState } from "preact/hooks";

import { fill, formatTime } from "../../i18n";
import { useApp } from "../../state";
import { type ApplicationView, fieldMessage, type FormField, type ServiceView } from "../application-logic";
import { AddressField } from "./address-field";
import { ChoiceField, InputField } from "./fields";
import { FileField } from "./file-field";
import { type SaveState, useApplicationForm } from "./use-application-form";

function SaveStatus({ save }: { save: SaveState }) {
  const { t, tr, language } = useApp();
  if (save.kind === "saved") {
    const at = `${t("savedAt")} ${formatTime(language, save.at)}`;
    return (
      <p class={save.held ? "save-status invalid" : "save-status saved"} role="status">
        {save.held
          ? `${at} · ${fill(
              tr({
                th: "คำตอบที่มีข้อความสีแดง {n} ข้อเก็บไว้ให้แก้ไข แต่จะยังไม่ถูกส่ง",
                en: "{n} answer(s) marked in red are kept for you to correct, but will not be sent as they are",
              }),
              { n: save.held },
            )}`
          : at}
      </p>
    );
  }
  return (
    <p class={`save-status ${save.kind}`} role="status">
      {save.kind === "saving"
        ? t("saving")
        : save.kind === "offline"
          ? t("notSavedOffline")
          : save.kind === "failed"
            ? `${t("notSaved")}: ${save.text}`
            : ""}
    </p>
  );
}

function Discard({ discard }: { discard: () => Promise<boolean> }) {
  const { tr } = useApp();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <p class="discard">
        <button type="button" onClick={() => setAsking(true)}>
          {tr({ th: "ลบฉบับร่างนี้", en: "Discard this draft" })}
        </button>
      </p>
    );
  }
  return (
    <div class="panel" role="group" aria-labelledby="discard-question">
      <p id="discard-question">
        {tr({
          th: "ลบฉบับร่างนี้ใช่ไหม คำตอบและไฟล์ที่แนบทั้งหมดจะถูกลบและกู้คืนไม่ได้ หน่วยงานยังไม่ได้รับข้อมูลใด ๆ",
          en: "Discard this draft? Every answer and file in it is deleted and cannot be brought back. Nothing was sent to the agency.",
        })}
      </p>
      <div class="actions">
        <button
          type="button"
          class="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            if (!(await discard())) setBusy(false);
          }}
        >
          {tr({ th: "ใช่ ลบฉบับร่าง", en: "Yes, discard it" })}
        </button>
        <button type="button" onClick={() => setAsking(false)}>
          {tr({ th: "ไม่ลบ", en: "No, keep it" })}
        </button>
      </div>
    </div>
  );
}

export function ApplyForm({
  service,
  draft,
  tileId,
}: {
  service: ServiceView;
  draft: ApplicationView | null;
  tileId: string;
}) {
  const { t, tr, language } = useApp();
  const form = useApplicationForm(service, draft, tileId);
  const { fields, answers, errors, general, summary } = form;

  const errorText = (field: FormField) => (errors[field.name] ? fieldMessage(language, field, errors[field.name]) : "");
  const listed = fields.filter((field) => errors[field.name]);

  return (
    <form class="application-form" noValidate onSubmit={form.goOn}>
      {summary && (listed.length > 0 || general) && (
        <div class="error-summary" id="error-summary" tabIndex={-1} aria-labelledby="error-summary-title">
          <h2 id="error-summary-title">{t("errorSummary")}</h2>
          <ul>
            {listed.map((field) => (
              <li key={field.name}>
                <a
                  href={`#f-${field.name}`}
                  onClick={(event) => {
                    event.preventDefault();
                    document.getElementById(`f-${field.name}`)?.focus();
                  }}
                >
                  {errorText(field)}
                </a>
              </li>
            ))}
            {general && <li>{general}</li>}
          </ul>
        </div>
      )}
      {!summary && general && (
        <p class="notice error" role="alert">
          {general}
        </p>
      )}
      {fields.map((field) => {
        const props = { field, value: answers[field.name], error: errorText(field), change: form.change };
        switch (field.kind) {
          case "choice":
            return <ChoiceField key={field.name} {...props} />;
          case "thai_address":
            return (
              <AddressField
                key={field.name}
                {...props}
                badPostcode={!!form.badPostcode[field.name]}
                checkPostcode={(wrong) => form.checkPostcode(field.name, wrong)}
              />
            );
          case "file":
            return (
              <FileField
                key={field.name}
                {...props}
                files={form.files.filter((file) => file.field === field.name)}
                applicationId={form.draftId ?? ""}
                busy={!!form.uploading[field.name]}
                problem={form.uploadProblems[field.name] ?? ""}
                add={form.addFiles}
                remove={form.removeFile}
              />
            );
          default:
            return <InputField key={field.name} {...props} />;
        }
      })}
      <p class="visually-hidden" role="status">
        {form.removed}
      </p>
      <div class="submit-row">
        <SaveStatus save={form.save} />
        <button type="submit" class="primary" disabled={form.going} aria-disabled={form.going}>
          {tr({ th: "ดำเนินการต่อ: ตรวจสอบคำตอบ", en: "Continue: check your answers" })}
        </button>
        {form.draftId && <Discard discard={form.discard} />}
      </div>
    </form>
  );
}
