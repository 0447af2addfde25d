// A file question: the files already attached (each can be opened or removed) and a picker for more.
import { apiPath } from "../../api";
import { fill } from "../../i18n";
import { useApp } from "../../state";
import { ACCEPTED_FILES, type FileView, type FormField, formatSize } from "../application-logic";
import { describedBy, ErrorText, type FieldProps, Help, helpId, Required } from "./fields";

export function FileField({
  field,
  error,
  files,
  applicationId,
  busy,
  problem,
  add,
  remove,
}: FieldProps & {
  files: FileView[];
  applicationId: string;
  busy: boolean;
  problem: string;
  add: (field: FormField, chosen: FileList | null, input: HTMLInputElement) => Promise<void>;
  remove: (file: FileView) => Promise<void>;
}) {
  const { t, language, pick } = useApp();
  const id = `f-${field.name}`;
  const full = files.length >= field.max_files;
  return (
    <div class={error || problem ? "form-field file has-error" : "form-field file"}>
      <label class="form-label" for={id}>
        {pick(field, "label")}
        <Required field={field} />
      </label>
      <Help field={field} />
      {field.max_files > 1 && (
        <p class="form-help" id={`${id}-count`}>
          {fill(t("upToFiles"), { n: field.max_files })}
        </p>
      )}
      <ErrorText id={`${id}-error`} text={error} />
      <ErrorText id={`${id}-problem`} text={problem} />
      {files.length > 0 && (
        <ul class="file-list" aria-label={pick(field, "label")}>
          {files.map((file) => (
            <li key={file.id}>
              <a
                href={apiPath("/api/v1/applications/{application_id}/files/{file_id}", {
                  application_id: applicationId,
                  file_id: file.id,
                })}
                download={file.file_name}
              >
                {file.file_name}
              </a>{" "}
              <span class="meta">{formatSize(file.size_bytes)}</span>
              <button
                type="button"
                class="small"
                aria-label={`${t("remove")}: ${file.file_name}`}
                onClick={() => void remove(file)}
              >
                {t("remove")}
              </button>
            </li>
          ))}
        </ul>
      )}
      {full ? (
        <p class="form-help" id={id} tabIndex={-1}>
          {t("filesFull")}
        </p>
      ) : (
        <input
          id={id}
          type="file"
          accept={ACCEPTED_FILES}
          multiple={field.max_files - files.length > 1}
          required={field.required && files.length === 0}
          aria-invalid={error || problem ? true : undefined}
          aria-describedby={describedBy(
            helpId(field, language),
            field.max_files > 1 && `${id}-count`,
            error && `${id}-error`,
            problem && `${id}-problem`,
          )}
          disabled={busy}
          onChange={(event) => void add(field, event.currentTarget.files, event.currentTarget)}
        />
      )}
      {busy && <p role="status">{t("uploading")}</p>}
    </div>
  );
}
