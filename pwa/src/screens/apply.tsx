// Apply for a service (/apply/{tile id}): the agency's form drawn from data, the fee said up front,
// what the digital ID already told us shown and never asked (once-only), the draft saved as the
// citizen types, files checked and listed, and every problem beside its field with a summary on top.
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, type FieldProblem, send, upload } from "../api";
import { Loaded } from "../components";
import { fill, formatBaht, formatDate, formatTime } from "../i18n";
import { useApp, useLoad } from "../state";
import {
  ACCEPTED_FILES,
  ADDRESS_PARTS,
  ADDRESS_WORDS,
  type Address,
  type Answers,
  type ApplicationView,
  dateBound,
  type FileView,
  type FormField,
  fieldMessage,
  formatSize,
  forSaving,
  isEmpty,
  label,
  MAX_UPLOAD_BYTES,
  postcodeLooksWrong,
  REQUIRED_ADDRESS_PARTS,
  type ServiceView,
  uploadMessage,
} from "./application-logic";

const SAVE_AFTER_MS = 800;
const RADIOS_UP_TO = 5; // more choices than this are a drop-down list

type SaveState =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; at: string }
  | { kind: "offline" }
  | { kind: "invalid" }
  | { kind: "failed"; text: string };

export function Apply({ param }: { param: string }) {
  const { t, language, me } = useApp();
  const [service, reload] = useLoad<ServiceView>(`/api/v1/tiles/${encodeURIComponent(param)}/application-service`);
  const [draft, setDraft] = useState<ApplicationView | null>(null);
  const [problem, setProblem] = useState("");

  useEffect(() => {
    if (service.status !== "ok" || draft || !me) return;
    // The citizen's draft of this service is reopened if there is one (200), else started (201).
    send<ApplicationView>("POST", "/api/v1/applications", { service_id: service.data.id }).then(
      (view) => view && setDraft(view),
      (error: ApiError) => setProblem(error.status === 0 ? t("offline") : error.detail || error.title),
    );
  }, [service.status]);

  if (service.status === "error" && service.error.status === 404) {
    return (
      <section aria-labelledby="apply-title">
        <h1 id="apply-title">{t("myApplications")}</h1>
        <p class="notice error">{t("serviceUnavailable")}</p>
      </section>
    );
  }
  return (
    <Loaded load={service} reload={reload}>
      {(data) => (
        <section aria-labelledby="apply-title">
          <h1 id="apply-title">{language === "en" ? data.title_en : data.title_th}</h1>
          <p class="meta">{language === "en" ? data.agency_name_en : data.agency_name_th}</p>
          {(language === "en" ? data.description_en : data.description_th) && (
            <p>{language === "en" ? data.description_en : data.description_th}</p>
          )}
          <p class="fee-line">
            {data.fee_satang === null ? (
              <strong>{t("noFee")}</strong>
            ) : (
              <>
                <strong>
                  {t("fee")} {formatBaht(language, data.fee_satang)}
                </strong>
                <br />
                {t("feeAfterApproval")}
              </>
            )}
          </p>
          {data.prefilled && (
            <section class="prefilled" aria-labelledby="prefilled-title">
              <h2 id="prefilled-title">{t("fromDigitalId")}</h2>
              <dl>
                <div>
                  <dt>{t("fullName")}</dt>
                  <dd>{(language === "en" ? data.prefilled.name_en : data.prefilled.name_th) ?? "—"}</dd>
                </div>
                <div>
                  <dt>{t("nationalId")}</dt>
                  <dd>{data.prefilled.national_id_masked}</dd>
                </div>
                {data.prefilled.birthdate && (
                  <div>
                    <dt>{t("birthdate")}</dt>
                    <dd>{formatDate(language, data.prefilled.birthdate)}</dd>
                  </div>
                )}
              </dl>
              <p class="meta">{t("fromDigitalIdNote")}</p>
            </section>
          )}
          {problem && (
            <p class="notice error" role="alert">
              {problem}
            </p>
          )}
          {draft ? <ApplyForm service={data} draft={draft} /> : !problem && <p role="status">{t("loading")}</p>}
        </section>
      )}
    </Loaded>
  );
}

function ApplyForm({ service, draft }: { service: ServiceView; draft: ApplicationView }) {
  const { t, language, navigate } = useApp();
  const fields = service.form.fields;
  const [answers, setAnswers] = useState<Answers>(draft.answers);
  const [files, setFiles] = useState<FileView[]>(draft.files);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState("");
  const [uploadProblems, setUploadProblems] = useState<Record<string, string>>({});
  const [uploading, setUploading] = useState<Record<string, boolean>>({});
  const [badPostcode, setBadPostcode] = useState<Record<string, boolean>>({});
  const [save, setSave] = useState<SaveState>({ kind: "idle" });
  const [summary, setSummary] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [removed, setRemoved] = useState("");

  const answersRef = useRef<Answers>(draft.answers);
  const dirty = useRef(false);
  const timer = useRef<number | undefined>(undefined);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const focusFirstError = useRef(false);
  const base = `/api/v1/applications/${draft.id}`;

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
        const saved = await send<{ saved_at: string }>("PUT", `${base}/answers`, {
          answers: forSaving(service.form, answersRef.current),
        });
        setSave({ kind: "saved", at: saved!.saved_at }); // 200 with a body, never 204
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
      await send<ApplicationView>("POST", `${base}/submit`);
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
        const added = await upload<FileView>(`${base}/files`, body);
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
      await send("DELETE", `${base}/files/${file.id}`);
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

  const errorText = (field: FormField) => (errors[field.name] ? fieldMessage(language, field, errors[field.name]) : "");
  const listed = fields.filter((field) => errors[field.name]);

  return (
    <form class="application-form" noValidate onSubmit={submit}>
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
        const props = { field, value: answers[field.name], error: errorText(field), change };
        switch (field.kind) {
          case "choice":
            return <ChoiceField key={field.name} {...props} />;
          case "thai_address":
            return (
              <AddressField
                key={field.name}
                {...props}
                badPostcode={!!badPostcode[field.name]}
                checkPostcode={(wrong) => setBadPostcode((now) => ({ ...now, [field.name]: wrong }))}
              />
            );
          case "file":
            return (
              <FileField
                key={field.name}
                {...props}
                files={files.filter((file) => file.field === field.name)}
                base={base}
                busy={!!uploading[field.name]}
                problem={uploadProblems[field.name] ?? ""}
                add={addFiles}
                remove={removeFile}
              />
            );
          default:
            return <InputField key={field.name} {...props} />;
        }
      })}
      <p class="visually-hidden" role="status">
        {removed}
      </p>
      <div class="submit-row">
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
        <button type="submit" class="primary" disabled={submitting} aria-disabled={submitting}>
          {submitting ? t("sending") : t("sendApplication")}
        </button>
      </div>
    </form>
  );
}

interface FieldProps {
  field: FormField;
  value: unknown;
  error: string;
  change: (name: string, value: unknown) => void;
}

function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}

function Help({ field }: { field: FormField }) {
  const { language } = useApp();
  const help = language === "en" ? field.help_en : field.help_th;
  return help ? (
    <p class="form-help" id={`f-${field.name}-help`}>
      {help}
    </p>
  ) : null;
}

function ErrorText({ id, text }: { id: string; text: string }) {
  return text ? (
    <p class="form-error" id={id}>
      {text}
    </p>
  ) : null;
}

function Required({ field }: { field: FormField }) {
  const { t } = useApp();
  return field.required ? <span class="req"> ({t("required")})</span> : null;
}

function helpId(field: FormField, language: string): string | false {
  return !!(language === "en" ? field.help_en : field.help_th) && `f-${field.name}-help`;
}

function InputField({ field, value, error, change }: FieldProps) {
  const { language } = useApp();
  const id = `f-${field.name}`;
  const common = {
    id,
    name: field.name,
    required: field.required,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy(helpId(field, language), error && `${id}-error`),
  };
  let control;
  if (field.kind === "number") {
    control = (
      <input
        {...common}
        type="number"
        inputMode={field.integer ? "numeric" : "decimal"}
        step={field.integer ? 1 : "any"}
        min={field.minimum ?? undefined}
        max={field.maximum ?? undefined}
        value={typeof value === "number" ? String(value) : ""}
        onInput={(event) => {
          const typed = event.currentTarget.value;
          change(field.name, typed === "" || Number.isNaN(Number(typed)) ? undefined : Number(typed));
        }}
      />
    );
  } else if (field.kind === "date") {
    control = (
      <input
        {...common}
        type="date"
        min={dateBound(field.min_date)}
        max={dateBound(field.max_date)}
        value={typeof value === "string" ? value : ""}
        onInput={(event) => change(field.name, event.currentTarget.value)}
      />
    );
  } else if ((field.max_length ?? 2000) > 200) {
    control = (
      <textarea
        {...common}
        rows={4}
        maxLength={field.max_length ?? 2000}
        value={typeof value === "string" ? value : ""}
        onInput={(event) => change(field.name, event.currentTarget.value)}
      />
    );
  } else {
    control = (
      <input
        {...common}
        type="text"
        maxLength={field.max_length ?? undefined}
        minLength={field.min_length ?? undefined}
        value={typeof value === "string" ? value : ""}
        onInput={(event) => change(field.name, event.currentTarget.value)}
      />
    );
  }
  return (
    <div class={error ? "form-field has-error" : "form-field"}>
      <label class="form-label" for={id}>
        {label(language, field)}
        <Required field={field} />
      </label>
      <Help field={field} />
      <ErrorText id={`${id}-error`} text={error} />
      {control}
    </div>
  );
}

function ChoiceField({ field, value, error, change }: FieldProps) {
  const { t, language } = useApp();
  const id = `f-${field.name}`;
  const choices = field.choices ?? [];
  const invalid = error ? true : undefined;
  const describe = describedBy(helpId(field, language), error && `${id}-error`);
  if (!field.multiple && choices.length > RADIOS_UP_TO) {
    return (
      <div class={error ? "form-field has-error" : "form-field"}>
        <label class="form-label" for={id}>
          {label(language, field)}
          <Required field={field} />
        </label>
        <Help field={field} />
        <ErrorText id={`${id}-error`} text={error} />
        <select
          id={id}
          name={field.name}
          required={field.required}
          aria-invalid={invalid}
          aria-describedby={describe}
          value={typeof value === "string" ? value : ""}
          onChange={(event) => change(field.name, event.currentTarget.value)}
        >
          <option value="">{t("chooseOne")}</option>
          {choices.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {label(language, choice)}
            </option>
          ))}
        </select>
      </div>
    );
  }
  const chosen = field.multiple ? (Array.isArray(value) ? (value as string[]) : []) : [value];
  return (
    <fieldset class={error ? "form-field choices has-error" : "form-field choices"} aria-describedby={describe}>
      <legend class="form-label">
        {label(language, field)}
        <Required field={field} />
      </legend>
      <Help field={field} />
      <ErrorText id={`${id}-error`} text={error} />
      {choices.map((choice, index) => (
        <label key={choice.value} class="option">
          <input
            id={index === 0 ? id : `${id}-${choice.value}`}
            type={field.multiple ? "checkbox" : "radio"}
            name={field.name}
            value={choice.value}
            required={field.required && !field.multiple}
            checked={chosen.includes(choice.value)}
            onChange={(event) => {
              if (!field.multiple) change(field.name, choice.value);
              else {
                const others = chosen.filter((item) => item !== choice.value);
                change(field.name, event.currentTarget.checked ? [...others, choice.value] : others);
              }
            }}
          />
          <span>{label(language, choice)}</span>
        </label>
      ))}
    </fieldset>
  );
}

function AddressField({
  field,
  value,
  error,
  change,
  badPostcode,
  checkPostcode,
}: FieldProps & { badPostcode: boolean; checkPostcode: (wrong: boolean) => void }) {
  const { t, language } = useApp();
  const id = `f-${field.name}`;
  const address = (value ?? {}) as Address;
  const autocomplete: Record<string, string> = {
    house_number: "address-line1",
    village: "address-line2",
    road: "address-line3",
    subdistrict: "address-level3",
    district: "address-level2",
    province: "address-level1",
    postcode: "postal-code",
  };
  const postcodeError = badPostcode ? fill(t("errorLine"), { label: t("postcode"), message: t("errPostcode") }) : "";
  return (
    <fieldset
      class={error || postcodeError ? "form-field address has-error" : "form-field address"}
      aria-describedby={describedBy(helpId(field, language), error && `${id}-error`)}
    >
      <legend class="form-label">
        {label(language, field)}
        <Required field={field} />
      </legend>
      <Help field={field} />
      <ErrorText id={`${id}-error`} text={error} />
      <div class="address-grid">
        {ADDRESS_PARTS.map((part, index) => {
          const partId = index === 0 ? id : `${id}-${part}`;
          const needed = field.required && REQUIRED_ADDRESS_PARTS.has(part);
          const isPostcode = part === "postcode";
          const invalid =
            (isPostcode && badPostcode) || (!!error && needed && !(address[part] ?? "").trim()) ? true : undefined;
          return (
            <div key={part} class={isPostcode ? "address-part postcode" : "address-part"}>
              <label for={partId}>
                {t(ADDRESS_WORDS[part])}
                {needed && <span class="req"> ({t("required")})</span>}
              </label>
              {isPostcode && (
                <p class="form-help" id={`${id}-postcode-hint`}>
                  {t("postcodeHint")}
                </p>
              )}
              {isPostcode && <ErrorText id={`${id}-postcode-error`} text={postcodeError} />}
              <input
                id={partId}
                type="text"
                name={`${field.name}.${part}`}
                autoComplete={autocomplete[part]}
                required={needed}
                aria-invalid={invalid}
                aria-describedby={
                  isPostcode
                    ? describedBy(
                        `${id}-postcode-hint`,
                        postcodeError && `${id}-postcode-error`,
                        error && `${id}-error`,
                      )
                    : error && invalid
                      ? `${id}-error`
                      : undefined
                }
                {...(isPostcode
                  ? { inputMode: "numeric" as const, maxLength: 5, pattern: "[0-9]{5}" }
                  : { maxLength: 200 })}
                value={address[part] ?? ""}
                onInput={(event) => {
                  const typed = isPostcode ? event.currentTarget.value.replace(/\D/g, "") : event.currentTarget.value;
                  if (isPostcode) {
                    event.currentTarget.value = typed;
                    if (badPostcode && !postcodeLooksWrong(typed)) checkPostcode(false);
                  }
                  change(field.name, { ...address, [part]: typed });
                }}
                onBlur={
                  isPostcode ? (event) => checkPostcode(postcodeLooksWrong(event.currentTarget.value)) : undefined
                }
              />
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

function FileField({
  field,
  error,
  files,
  base,
  busy,
  problem,
  add,
  remove,
}: FieldProps & {
  files: FileView[];
  base: string;
  busy: boolean;
  problem: string;
  add: (field: FormField, chosen: FileList | null, input: HTMLInputElement) => Promise<void>;
  remove: (file: FileView) => Promise<void>;
}) {
  const { t, language } = useApp();
  const id = `f-${field.name}`;
  const full = files.length >= field.max_files;
  return (
    <div class={error || problem ? "form-field file has-error" : "form-field file"}>
      <label class="form-label" for={id}>
        {label(language, field)}
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
        <ul class="file-list" aria-label={label(language, field)}>
          {files.map((file) => (
            <li key={file.id}>
              <a href={`${base}/files/${file.id}`} download={file.file_name}>
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
