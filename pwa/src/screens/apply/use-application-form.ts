// The application form's state: the answers, saved as a draft while the citizen types (and when they
// leave the screen, the app, or come back online), the files uploaded and removed, the problems the
// server found with each field, going on to "check your answers", and discarding the draft. The view
// (form.tsx and the fields) only draws it.
//
// Opening the form creates no draft: the first answer typed or file chosen does. Every save keeps what
// was typed: answers that fit the form become the draft's answers, the others are kept apart as typed
// and marked here with their problem (the server's DraftCheck), so a reload brings everything back.
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";

import { ApiError, type FieldProblem, request, type Schema } from "../../api";
import { useApp } from "../../state";
import { problemWords } from "../../ui/problem-words";
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

type DraftCheck = Schema<"DraftCheck">;

export type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; at: string; held: number }
  | { kind: "offline" }
  | { kind: "failed"; text: string };

/** Problems that are about an answer given (marked as the citizen types), not a question left empty
 * (said when they go on). */
function aboutAnAnswer(problem: FieldProblem): boolean {
  return problem.message !== "is required" && !problem.message.startsWith("is missing");
}

function byField(problems: FieldProblem[], keep: (problem: FieldProblem) => boolean): Record<string, string> {
  const found: Record<string, string> = {};
  for (const problem of problems) if (keep(problem)) found[problem.field] ??= problem.message;
  return found;
}

export function useApplicationForm(service: ServiceView, draft: ApplicationView | null, tileId: string) {
  const { t, language, navigate } = useApp();
  const fields = service.form.fields;
  const known = new Set(fields.map((field) => field.name));
  const held = draft?.draft?.invalid_answers ?? {};
  const initial: Answers = { ...(draft?.answers ?? {}), ...held };
  const [draftId, setDraftId] = useState<string | null>(draft?.id ?? null);
  const [answers, setAnswers] = useState<Answers>(initial);
  const [files, setFiles] = useState<FileView[]>(draft?.files.filter((file) => file.field !== null) ?? []);
  /** The server's message for each field it found a problem with, as it sent it (fieldMessage says it). */
  const [errors, setErrors] = useState<Record<string, string>>(() =>
    byField(draft?.draft?.problems ?? [], aboutAnAnswer),
  );
  /** Problems that belong to no one field. */
  const [general, setGeneral] = useState("");
  const [uploadProblems, setUploadProblems] = useState<Record<string, string>>({});
  const [uploading, setUploading] = useState<Record<string, boolean>>({});
  const [badPostcode, setBadPostcode] = useState<Record<string, boolean>>({});
  const [save, setSave] = useState<SaveState>({ kind: "idle" });
  /** Whether the error summary is shown (after "continue" found problems, not while typing). */
  const [summary, setSummary] = useState(false);
  const [going, setGoing] = useState(false);
  /** Said to screen readers when a file is removed. */
  const [removed, setRemoved] = useState("");

  const answersRef = useRef<Answers>(initial);
  const draftRef = useRef<string | null>(draft?.id ?? null);
  const creating = useRef<Promise<string> | null>(null);
  const dirty = useRef(false);
  const timer = useRef<number | undefined>(undefined);
  const inFlight = useRef<Promise<DraftCheck | null> | null>(null);
  const focusFirstError = useRef(false);

  /** The draft's id, starting it on the first answer or file (the server reopens one if it exists). */
  async function ensureDraft(): Promise<string> {
    if (draftRef.current) return draftRef.current;
    creating.current ??= request("POST", "/api/v1/applications", { body: { service_id: service.id } }).then(
      ({ data }) => {
        draftRef.current = data.id;
        setDraftId(data.id);
        return data.id;
      },
      (error: unknown) => {
        creating.current = null;
        throw error;
      },
    );
    return creating.current;
  }

  function showProblems(problems: FieldProblem[], all: boolean) {
    setErrors((current) =>
      byField(problems.filter((problem) => known.has(problem.field)), (problem) =>
        all || aboutAnAnswer(problem) || problem.field in current,
      ),
    );
    setGeneral(
      problems
        .filter((problem) => !known.has(problem.field))
        .map((problem) => problem.message)
        .join(" "),
    );
  }

  function failed(error: unknown) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 0) setSave({ kind: "offline" });
    else if (error.errors.length > 0) {
      showProblems(error.errors, false);
      setSave({ kind: "failed", text: t("notSaved") });
    } else setSave({ kind: "failed", text: problemWords(language, error) });
  }

  /** Saves what is typed (or, with `force`, asks where the draft stands even when nothing changed):
   * the draft's standing, or null when it could not be saved. */
  async function saveNow(force = false): Promise<DraftCheck | null> {
    window.clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    if (!dirty.current && !force) return null;
    dirty.current = false;
    const run = (async () => {
      setSave({ kind: "saving" });
      try {
        const application_id = await ensureDraft();
        const { data: saved } = await request("PUT", "/api/v1/applications/{application_id}/answers", {
          path: { application_id },
          body: { answers: forSaving(service.form, answersRef.current) },
        });
        const check = saved.draft;
        setSave({ kind: "saved", at: saved.saved_at, held: Object.keys(check.invalid_answers).length });
        showProblems(check.problems, false);
        return check;
      } catch (error) {
        dirty.current = true; // still to be saved
        failed(error);
        return null;
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
    // Back from "check your answers" by a change link: straight to that question.
    const asked = window.location.hash.startsWith("#f-") ? document.getElementById(window.location.hash.slice(1)) : null;
    asked?.focus();
    asked?.scrollIntoView({ block: "center" });
    return () => {
      window.removeEventListener("online", flush);
      document.removeEventListener("visibilitychange", hidden);
      flush();
    };
  }, []);

  // As the summary is drawn (not a frame later), so that nothing reads or types into the page meanwhile.
  useLayoutEffect(() => {
    if (!focusFirstError.current) return;
    focusFirstError.current = false;
    const first = fields.find((field) => errors[field.name]);
    const target = first ? document.getElementById(`f-${first.name}`) : document.getElementById("error-summary");
    target?.focus();
    target?.scrollIntoView({ block: "center" });
  }, [errors, summary]);

  /** On to "check your answers" once nothing stops the application being sent; else the summary. */
  async function goOn(event: Event) {
    event.preventDefault();
    if (going) return;
    setGoing(true);
    try {
      const check = await saveNow(true);
      if (check === null) return;
      if (check.problems.length > 0) {
        showProblems(check.problems, true);
        setSummary(true);
        focusFirstError.current = true;
        return;
      }
      navigate(`/apply/${tileId}/check`);
    } finally {
      setGoing(false);
    }
  }

  async function discard(): Promise<boolean> {
    window.clearTimeout(timer.current);
    dirty.current = false;
    if (inFlight.current) await inFlight.current;
    if (!draftRef.current) return true;
    try {
      await request("DELETE", "/api/v1/applications/{application_id}", {
        path: { application_id: draftRef.current },
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status !== 404) {
        setGeneral(error.status === 0 ? t("offline") : problemWords(language, error));
        return false;
      }
    }
    draftRef.current = null;
    navigate(`/apply/${tileId}?discarded=1`);
    return true;
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
        const application_id = await ensureDraft();
        const { data: added } = await request("POST", "/api/v1/applications/{application_id}/files", {
          path: { application_id },
          body,
        });
        setFiles((now) => [...now, added]);
        change(field.name, [...ids, added.id]);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        problems.push(
          error.status === 0 ? t("offline") : `${file.name}: ${uploadMessage(language, error.detail || error.title, error.status)}`,
        );
      }
    }
    input.value = "";
    setUploading((now) => ({ ...now, [field.name]: false }));
    setUploadProblems((now) => ({ ...now, [field.name]: problems.join(" ") }));
    await saveNow();
  }

  async function removeFile(file: FileView) {
    const name = file.field ?? "";
    try {
      await request("DELETE", "/api/v1/applications/{application_id}/files/{file_id}", {
        path: { application_id: draftRef.current ?? "", file_id: file.id },
      });
    } catch (error) {
      if (error instanceof ApiError && error.status !== 404) {
        setUploadProblems((now) => ({ ...now, [name]: error.status === 0 ? t("offline") : problemWords(language, error) }));
        return;
      }
    }
    // The server dropped it from the saved answers too.
    setFiles((now) => now.filter((item) => item.id !== file.id));
    const ids = ((answersRef.current[name] as string[] | undefined) ?? []).filter((id) => id !== file.id);
    const next = { ...answersRef.current };
    if (ids.length) next[name] = ids;
    else delete next[name];
    answersRef.current = next;
    setAnswers(next);
    setRemoved(`${t("remove")}: ${file.file_name}`);
    window.setTimeout(() => document.getElementById(`f-${name}`)?.focus(), 0); // once drawn again
  }

  const checkPostcode = (name: string, wrong: boolean) => setBadPostcode((now) => ({ ...now, [name]: wrong }));

  return {
    fields,
    draftId,
    answers,
    files,
    errors,
    general,
    uploadProblems,
    uploading,
    badPostcode,
    save,
    summary,
    going,
    removed,
    change,
    goOn,
    discard,
    addFiles,
    removeFile,
    checkPostcode,
  };
}
