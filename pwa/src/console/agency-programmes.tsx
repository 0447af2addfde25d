// Agency console: the agency's programmes behind the waiting room (docs/waiting-room.md), each with how
// many joined, were let in and registered, and a form to define one: its words in Thai and English, when
// registration opens (a Buddhist-era date and a Bangkok time), how many people a second the agency's
// systems can take, and how long each has to register once let in.
import { useEffect, useState } from "preact/hooks";

import { request, type Schema } from "../api";
import { ConfirmButton } from "../ui/confirm";
import { DateInput } from "../ui/date-input";
import { Field } from "../ui/field";
import { useApp } from "../state";
import { useProblemText } from "./problems";
import { useWords } from "./words";

type Counted = Schema<"ProgrammeCounts">;
const WINDOWS = [5, 10, 15, 30];
const STATUS = {
  upcoming: { th: "ยังไม่เปิด", en: "Not open yet" },
  open: { th: "เปิดรับลงทะเบียน", en: "Open" },
  closed: { th: "ปิดรับลงทะเบียนแล้ว", en: "Closed" },
} as const;

export function ProgrammesPanel({ agencyId }: { agencyId: number }) {
  const { tr } = useApp();
  const { when } = useWords();
  const problemText = useProblemText();
  const [programmes, setProgrammes] = useState<Counted[] | null>(null);
  const [message, setMessage] = useState("");
  const [names, setNames] = useState({ name_th: "", name_en: "", description_th: "", description_en: "" });
  const [day, setDay] = useState<string | undefined>(undefined);
  const [time, setTime] = useState("09:00");
  const [rate, setRate] = useState(100);
  const [windowMinutes, setWindowMinutes] = useState(10);

  async function load() {
    try {
      setProgrammes((await request("GET", "/api/v1/agency/{agency_id}/programmes", { path: { agency_id: agencyId } })).data);
    } catch (error) {
      setMessage(problemText(error));
    }
  }
  useEffect(() => void load(), [agencyId]);

  async function create(event: Event) {
    event.preventDefault();
    if (!day) {
      setMessage(tr({ th: "กรอกวันที่เปิดลงทะเบียนให้ครบ", en: "Fill in the day registration opens" }));
      return;
    }
    try {
      await request("POST", "/api/v1/agency/{agency_id}/programmes", {
        path: { agency_id: agencyId },
        body: {
          ...names,
          opens_at: `${day}T${time}:00+07:00`,
          admit_per_second: rate,
          admission_window_seconds: windowMinutes * 60,
        },
      });
      setMessage(tr({ th: "สร้างโครงการแล้ว", en: "Programme created" }));
      setNames({ name_th: "", name_en: "", description_th: "", description_en: "" });
      void load();
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  async function close(programmeId: string) {
    try {
      await request("POST", "/api/v1/agency/{agency_id}/programmes/{programme_id}/close", {
        path: { agency_id: agencyId, programme_id: programmeId },
      });
      setMessage(tr({ th: "ปิดรับลงทะเบียนแล้ว", en: "Registration closed" }));
      void load();
    } catch (error) {
      setMessage(problemText(error));
    }
  }

  const text = (key: keyof typeof names, label: string, long = false) => (
    <Field label={label}>
      {long ? (
        <textarea value={names[key]} maxLength={1000} onInput={(e) => setNames({ ...names, [key]: e.currentTarget.value })} />
      ) : (
        <input value={names[key]} maxLength={120} required onInput={(e) => setNames({ ...names, [key]: e.currentTarget.value })} />
      )}
    </Field>
  );
  return (
    <>
      <h3>{tr({ th: "โครงการที่เปิดลงทะเบียน", en: "Programmes open for registration" })}</h3>
      <form class="programme-form" onSubmit={create}>
        {text("name_th", tr({ th: "ชื่อโครงการ (ภาษาไทย)", en: "Name (Thai)" }))}
        {text("name_en", tr({ th: "ชื่อโครงการ (ภาษาอังกฤษ)", en: "Name (English)" }))}
        {text("description_th", tr({ th: "รายละเอียด (ภาษาไทย)", en: "Description (Thai)" }), true)}
        {text("description_en", tr({ th: "รายละเอียด (ภาษาอังกฤษ)", en: "Description (English)" }), true)}
        <fieldset>
          <legend>{tr({ th: "วันที่เปิดลงทะเบียน", en: "Day registration opens" })}</legend>
          <DateInput id="programme-opens" value={day ?? ""} onChange={setDay} />
        </fieldset>
        <Field label={tr({ th: "เวลาเปิด (เวลาประเทศไทย)", en: "Time it opens (Thailand time)" })}>
          <input type="time" value={time} required onInput={(e) => setTime(e.currentTarget.value)} />
        </Field>
        <Field label={tr({ th: "รับผู้ลงทะเบียนกี่คนต่อวินาที (ตามที่ระบบของหน่วยงานรองรับ)", en: "People let in per second (what your systems can take)" })}>
          <input type="number" min={1} max={10000} value={rate} required onInput={(e) => setRate(Number(e.currentTarget.value))} />
        </Field>
        <Field label={tr({ th: "เวลาให้ลงทะเบียนเมื่อถึงคิว", en: "Time to register once let in" })}>
          <select value={windowMinutes} onChange={(e) => setWindowMinutes(Number(e.currentTarget.value))}>
            {WINDOWS.map((minutes) => (
              <option key={minutes} value={minutes}>
                {minutes} {tr({ th: "นาที", en: "minutes" })}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="primary">
          {tr({ th: "สร้างโครงการ", en: "Create the programme" })}
        </button>
      </form>
      {message && <p role="status" class="notice info">{message}</p>}
      {programmes && programmes.length === 0 && <p>{tr({ th: "ยังไม่มีโครงการ", en: "No programmes yet" })}</p>}
      {programmes && programmes.length > 0 && (
        <ul class="cards">
          {programmes.map(({ programme, joined, admitted, registered }) => (
            <li class="card" key={programme.id}>
              <h4>{tr({ th: programme.name_th, en: programme.name_en })}</h4>
              <dl class="facts">
                <div><dt>{tr({ th: "สถานะ", en: "Status" })}</dt><dd>{tr(STATUS[programme.status])}</dd></div>
                <div><dt>{tr({ th: "เปิดลงทะเบียน", en: "Opens" })}</dt><dd>{when(programme.opens_at)}</dd></div>
                {programme.closes_at && (
                  <div><dt>{tr({ th: "ปิดลงทะเบียน", en: "Closes" })}</dt><dd>{when(programme.closes_at)}</dd></div>
                )}
                <div><dt>{tr({ th: "เข้าคิว", en: "Joined" })}</dt><dd>{joined.toLocaleString()}</dd></div>
                <div><dt>{tr({ th: "ถึงคิวแล้ว", en: "Let in" })}</dt><dd>{admitted.toLocaleString()}</dd></div>
                <div><dt>{tr({ th: "ลงทะเบียนแล้ว", en: "Registered" })}</dt><dd>{registered.toLocaleString()}</dd></div>
                <div><dt>{tr({ th: "คนต่อวินาที", en: "People a second" })}</dt><dd>{programme.admit_per_second}</dd></div>
              </dl>
              {programme.status !== "closed" && (
                <ConfirmButton
                  about={tr({ th: programme.name_th, en: programme.name_en })}
                  question={tr({
                    th: "ปิดรับลงทะเบียนตอนนี้? ผู้ที่ยังรอคิวจะลงทะเบียนไม่ได้ ผู้ที่ถึงคิวแล้วยังลงทะเบียนได้จนหมดเวลาของตน",
                    en: "Close registration now? People still waiting will not be able to register; those already let in can until their time runs out.",
                  })}
                  yes={tr({ th: "ใช่ ปิดรับลงทะเบียน", en: "Yes, close registration" })}
                  onConfirm={() => close(programme.id)}
                >
                  {tr({ th: "ปิดรับลงทะเบียน", en: "Close registration" })}
                </ConfirmButton>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
