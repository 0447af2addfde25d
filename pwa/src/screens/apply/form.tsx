// The application form's view: the error summary, each question by its kind, and the draft's saving
// state beside the send button. Its state and what it sends are use-application-form.ts.
import { formatTime } from "../../i18n";
import { useApp } from "../../state";
import { type ApplicationView, fieldMessage, type FormField, type ServiceView } from "../application-logic";
import { AddressField } from "./address-field";
import { ChoiceField, InputField } from "./fields";
import { FileField } from "./file-field";
import { type SaveState, useApplicationForm } from "./use-application-form";

function SaveStatus({ save }: { save: SaveState }) {
  const { t, language } = useApp();
  return (
    <p class={`save-status ${save.kind}`} role="status">
      {save.kind === "saving"
        ? t("saving")
        : save.kind === "saved"
          ? `${t("savedAt")} ${formatTime(language, save.at)}`
          : save.kind === "offline"
            ? t("notSavedOffline")
            : save.kind === "invalid"
              ? t("notSavedCheck")
              : save.kind === "failed"
                ? `${t("notSaved")}: ${save.text}`
                : ""}
    </p>
  );
}

export function ApplyForm({ service, draft }: { service: ServiceView; draft: ApplicationView }) {
  const { t, language } = useApp();
  const form = useApplicationForm(service, draft);
  const { fields, answers, errors, general, summary } = form;

  const errorText = (field: FormField) => (errors[field.name] ? fieldMessage(language, field, errors[field.name]) : "");
  const listed = fields.filter((field) => errors[field.name]);

  return (
    <form class="application-form" noValidate onSubmit={form.submit}>
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
                applicationId={draft.id}
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
        <button type="submit" class="primary" disabled={form.submitting} aria-disabled={form.submitting}>
          {form.submitting ? t("sending") : t("sendApplication")}
        </button>
      </div>
    </form>
  );
}
