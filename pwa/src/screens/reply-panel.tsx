// Answering an agency's request for more information: the request, the citizen's words and the files
// they attach (checked on the server exactly as the form's uploads are: PDF, JPEG or PNG by content, at
// most 5 MB, the same limits), each removable until the reply is sent.
import { useState } from "preact/hooks";

import { ApiError, apiPath, request } from "../api";
import { fill } from "../i18n";
import { useApp } from "../state";
import { problemWords } from "../ui/problem-words";
import {
  ACCEPTED_FILES,
  type ApplicationView,
  type FileView,
  formatSize,
  MAX_UPLOAD_BYTES,
  uploadMessage,
} from "./application-logic";

const MAX_REPLY_FILES = 5; // backend/applications/schemas.py

export function ReplyPanel({
  application,
  act,
  busy,
}: {
  application: ApplicationView;
  act: (sending: Promise<{ data: ApplicationView }>) => Promise<void>;
  busy: boolean;
}) {
  const { t, tr, language } = useApp();
  const path = { application_id: application.id };
  const [reply, setReply] = useState("");
  const [attached, setAttached] = useState<FileView[]>(() =>
    application.files.filter((file) => file.field === null && file.reply_event_id === null),
  );
  const [uploading, setUploading] = useState(false);
  const [problem, setProblem] = useState("");

  async function add(chosen: FileList | null, input: HTMLInputElement) {
    if (!chosen || chosen.length === 0) return;
    setUploading(true);
    const problems: string[] = [];
    let count = attached.length;
    for (const file of Array.from(chosen)) {
      if (count >= MAX_REPLY_FILES) {
        problems.push(fill(t("upToFiles"), { n: MAX_REPLY_FILES }));
        break;
      }
      if (file.size > MAX_UPLOAD_BYTES) {
        problems.push(`${file.name}: ${uploadMessage(language, "The file is larger than 5 MB.")}`);
        continue;
      }
      const body = new FormData();
      body.append("file", file, file.name);
      try {
        const { data } = await request("POST", "/api/v1/applications/{application_id}/reply-files", { path, body });
        count += 1;
        setAttached((now) => [...now, data]);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        problems.push(
          error.status === 0 ? t("offline") : `${file.name}: ${uploadMessage(language, error.detail || error.title, error.status)}`,
        );
      }
    }
    input.value = "";
    setUploading(false);
    setProblem(problems.join(" "));
  }

  async function remove(file: FileView) {
    try {
      await request("DELETE", "/api/v1/applications/{application_id}/files/{file_id}", {
        path: { ...path, file_id: file.id },
      });
    } catch (error) {
      if (error instanceof ApiError && error.status !== 404) {
        setProblem(error.status === 0 ? t("offline") : problemWords(language, error));
        return;
      }
    }
    setAttached((now) => now.filter((item) => item.id !== file.id));
    document.getElementById("reply-files")?.focus();
  }

  return (
    <section class="panel attention" aria-labelledby="request-title">
      <h2 id="request-title">{t("agencyAsks")}</h2>
      {application.pending_request && <p class="request">{application.pending_request}</p>}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const body = { message: reply.trim(), file_ids: attached.map((file) => file.id) };
          if (body.message) void act(request("POST", "/api/v1/applications/{application_id}/reply", { path, body }));
        }}
      >
        <label class="form-label" for="reply">
          {t("yourReply")}
        </label>
        <textarea
          id="reply"
          rows={4}
          maxLength={2000}
          required
          value={reply}
          onInput={(event) => setReply(event.currentTarget.value)}
        />
        <div class={problem ? "form-field file has-error" : "form-field file"}>
          <label class="form-label" for="reply-files">
            {tr({ th: "แนบเอกสาร (ถ้ามี)", en: "Attach documents (if any)" })}
          </label>
          <p class="form-help" id="reply-files-help">
            {tr({
              th: `PDF, JPEG หรือ PNG ไม่เกิน 5 MB แนบได้สูงสุด ${MAX_REPLY_FILES} ไฟล์`,
              en: `PDF, JPEG or PNG, at most 5 MB each, up to ${MAX_REPLY_FILES} files`,
            })}
          </p>
          {problem && (
            <p class="form-error" id="reply-files-error">
              {problem}
            </p>
          )}
          {attached.length > 0 && (
            <ul class="file-list" aria-label={tr({ th: "ไฟล์ที่จะส่งไปกับคำตอบ", en: "Files sent with your reply" })}>
              {attached.map((file) => (
                <li key={file.id}>
                  <a
                    href={apiPath("/api/v1/applications/{application_id}/files/{file_id}", { ...path, file_id: file.id })}
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
          {attached.length < MAX_REPLY_FILES && (
            <input
              id="reply-files"
              type="file"
              accept={ACCEPTED_FILES}
              multiple
              disabled={uploading}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? "reply-files-help reply-files-error" : "reply-files-help"}
              onChange={(event) => void add(event.currentTarget.files, event.currentTarget)}
            />
          )}
          {uploading && <p role="status">{t("uploading")}</p>}
        </div>
        <p>
          <button type="submit" class="primary" disabled={busy || uploading || !reply.trim()}>
            {t("sendReply")}
          </button>
        </p>
      </form>
    </section>
  );
}
