// The application form's state: the answers, saved as a draft while the citizen types (and when they
// leave the screen, the app, or come back online), the files uploaded and removed, the problems the
// server found with each field, and sending. The view (form.tsx and the fields) only draws it.
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, type FieldProblem, request } from "../../api";
import { useApp } from "../../state";
import {
  type Answers,
  type ApplicationView,
  type FileView,
  type FormField,
  forSaving,
  isEmpty,
  MAX_UPLOAD_BYTES,
  type ServiceView,
  uploadMessage,
} from "../application-logic";

const SAVE_AFTER_MS = 800;

export type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; at: string }
  | { kind: "offline" }
  | { kind: "invalid" }
  | { kind: "failed"; text: string };

export function useApplicationForm(service: ServiceView, draft: ApplicationView) {
  const { t, language, navigate } = useApp();
  const fields = service.form.fields;
  const [answers, setAnswers] = useState<Answers>(draft.answers);
  const [files, setFiles] = useState<FileView[]>(draft.files);
  /** The server's message for each field it refused, as it sent it (fieldMessage says it). */
  const [errors, setErrors] = useState<Record<string, string>>({});
  /** Problems that belong to no one field. */
  const [general, setGeneral] = useState("");
  const [uploadProblems, setUploadProblems] = useState<Record<string, string>>({});
  const [uploading, setUploading] = useState<Record<string, boolean>>({});
  const [badPostcode, setBadPostcode] = useState<Record<string, boolean>>({});
  const [save, setSave] = useState<SaveState>({ kind: "idle" });
  /** Whether the error summary is shown (after a refused send, not while typing). */
  const [summary, setSummary] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  /** Said to screen readers when a file is removed. */
  const [removed, setRemoved] = useState("");

  const answersRef = useRef<Answers>(draft.answers);
  const dirty = useRef(false);
  const timer = useRef<number | undefined>(undefined);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const focusFirstError = useRef(false);
  const path = { application_id: draft.id };

  function showProblems(problems: FieldProblem[]) {
    const known = new Set(fields.map((field) => field.name));
    const byField: Record<string, string> = {};
    const other: string[] = [];
    for (const problem of problems) {
      if (known.has(problem.field)) byField[problem.field] ??= problem.message;
      else other.push(problem.message);
    }
    setErrors((current) => ({ ...current, ...byField }));
    setGeneral(other.join(" "));
  }

  async function saveNow(): Promise<boolean> {
    window.clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    if (!dirty.current) return true;
    dirty.current = false;
    const run = (async () => {
      setSave({ kind: "saving" });
      try {
        const { data: saved } = await request("PUT", "/api/v1/applications/{application_id}/answers", {
          path,
          body: { answers: forSaving(service.form, answersRef.current) },
        });
        setSave({ kind: "saved", at: saved.saved_at });
        setGeneral("");
        return true;
      } catch (error) {
        dirty.current = true; // still to be saved
        if (!(error instanceof ApiError)) throw error;
        if (error.status === 0) setSave({ kind: "offline" });
        else if (error.errors.length > 0) {
          showProblems(error.errors);
          setSave({ kind: "invalid" });
        } else setSave({ kind: "failed", text: error.detail || error.title });
        return false;
      }
    })();
    inFlight.current = run;
    try {
      return await run;
    } finally {
      inFlight.current = null;
    }
  }

  function saveSoon() {
    dirty.current = true;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void saveNow(), SAVE_AFTER_MS);
  }

  function change(name: string, value: unknown) {
    const next = { ...answersRef.current };
    if (isEmpty(value)) delete next[name];
    else next[name] = value;
    answersRef.current = next;
    setAnswers(next);
    setErrors(({ [name]: _dropped, ...rest }) => rest);
    saveSoon();
  }

  useEffect(() => {
    // Whatever is typed is kept: saved when the citizen leaves the screen, the app, or comes back online.
    const flush = () => {
      if (dirty.current) void saveNow();
    };
    const hidden = () => document.visibilityState === "hidden" && flush();
    window.addEventListener("online", flush);
    document.addEventListener("visibilitychange", hidden);
    return () => {
      window.removeEventListener("online", flush);
      document.removeEventListener("visibilitychange", hidden);
      flush();
    };
  }, []);

  useEffect(() => {
    if (!focusFirstError.current) return;
    focusFirstError.current = false;
    const first = fields.find((field) => errors[field.name]);
    const target = first ? document.getElementById(`f-${first.name}`) : document.getElementById("error-summary");
    target?.focus();
    target?.scrollIntoView({ block: "center" });
  }, [errors, summary]);

  async function submit(event: Event) {
    event.preventDefault();
    if (submitting) return;
    setSubmitting(true);
    setGeneral("");
    try {
      if (!(await saveNow())) {
        setSummary(true);
        focusFirstError.current = true;
        return;
      }
      await request("POST", "/api/v1/applications/{application_id}/submit", { path });
      navigate(`/applications/${draft.id}?sent=1`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 0) setGeneral(t("offline"));
      else if (error.errors.length > 0) {
        showProblems(error.errors);
        setSummary(true);
        focusFirstError.current = true;
      } else setGeneral(error.detail || error.title);
    } finally {
      setSubmitting(false);
    }
  }

  async function addFiles(field: FormField, chosen: FileList | null, input: HTMLInputElement) {
    if (!chosen || chosen.length === 0) return;
    const problems: string[] = [];
    setUploading((now) => ({ ...now, [field.name]: true }));
    for (const file of Array.from(chosen)) {
      const ids = (answersRef.current[field.name] as string[] | undefined) ?? [];
      if (ids.length >= field.max_files) {
        problems.push(t("filesFull"));
        break;
      }
      if (file.size > MAX_UPLOAD_BYTES) {
        problems.push(`${file.name}: ${uploadMessage(language, "The file is larger than 5 MB.")}`);
        continue;
      }
      const body = new FormData();
      body.append("field", field.name);
      body.append("file", file, file.name);
      try {
        const { data: added } = await request("POST", "/api/v1/applications/{application_id}/files", { path, body });
        setFiles((now) => [...now, added]);
        change(field.name, [...ids, added.id]);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        problems.push(
          error.status === 0 ? t("offline") : `${file.name}: ${uploadMessage(language, error.detail || error.title)}`,
        );
      }
    }
    input.value = "";
    setUploading((now) => ({ ...now, [field.name]: false }));
    setUploadProblems((now) => ({ ...now, [field.name]: problems.join(" ") }));
    await saveNow();
  }

  async function removeFile(file: FileView) {
    try {
      await request("DELETE", "/api/v1/applications/{application_id}/files/{file_id}", {
        path: { ...path, file_id: file.id },
      });
    } catch (error) {
      if (error instanceof ApiError && error.status !== 404) {
        setUploadProblems((now) => ({ ...now, [file.field]: error.status === 0 ? t("offline") : error.detail }));
        return;
      }
    }
    // The server dropped it from the saved answers too.
    setFiles((now) => now.filter((item) => item.id !== file.id));
    const ids = ((answersRef.current[file.field] as string[] | undefined) ?? []).filter((id) => id !== file.id);
    const next = { ...answersRef.current };
    if (ids.length) next[file.field] = ids;
    else delete next[file.field];
    answersRef.current = next;
    setAnswers(next);
    setRemoved(`${t("remove")}: ${file.file_name}`);
    window.setTimeout(() => document.getElementById(`f-${file.field}`)?.focus(), 0); // once drawn again
  }

  const checkPostcode = (name: string, wrong: boolean) => setBadPostcode((now) => ({ ...now, [name]: wrong }));

  return {
    fields,
    answers,
    files,
    errors,
    general,
    uploadProblems,
    uploading,
    badPostcode,
    save,
    summary,
    submitting,
    removed,
    change,
    submit,
    addFiles,
    removeFile,
    checkPostcode,
  };
}
