import { describe, expect, it } from "vitest";

import {
  type ApplicationView,
  type EventView,
  type FormField,
  fieldMessage,
  forSaving,
  groupCode,
  normaliseCode,
  STATES,
  stateName,
  stepsOf,
  svgDataUrl,
  uploadMessage,
} from "./screens/application-logic";

function field(overrides: Partial<FormField>): FormField {
  return {
    name: "school_name",
    kind: "text",
    label_th: "ชื่อสถานศึกษา",
    label_en: "Name of the school",
    help_th: "",
    help_en: "",
    required: true,
    min_length: null,
    max_length: 200,
    pattern: null,
    minimum: null,
    maximum: null,
    integer: false,
    min_date: null,
    max_date: null,
    choices: null,
    multiple: false,
    max_files: 1,
    ...overrides,
  };
}

let eventId = 0;
function event(from_state: string, to_state: string, actor_kind = "agency", note: string | null = null): EventView {
  eventId += 1;
  return { id: eventId, from_state, to_state, actor_kind, note, at: "2026-11-22T07:00:00Z" };
}

function application(state: string, events: EventView[], extra: Partial<ApplicationView> = {}): ApplicationView {
  return {
    id: "a",
    tracking_number: "AP0000000000",
    service_id: 1,
    tile_id: 1,
    agency_id: 1,
    agency_name_th: "",
    agency_name_en: "",
    title_th: "",
    title_en: "",
    state,
    created_at: "",
    updated_at: "",
    submitted_at: null,
    document_id: null,
    answers: {},
    pending_request: null,
    service_fee_satang: 20000,
    bill: null,
    files: [],
    events,
    next_states: [],
    ...extra,
  };
}

const statuses = (app: ApplicationView) => stepsOf(app).map((step) => `${step.key}:${step.status}`);

describe("field messages", () => {
  it("name the field in the citizen's language, asking to type, choose or attach as the field needs", () => {
    expect(fieldMessage("th", field({}), "is required")).toBe("กรุณากรอกชื่อสถานศึกษา");
    expect(fieldMessage("en", field({}), "is required")).toBe("Name of the school is required");
    expect(fieldMessage("th", field({ kind: "choice", label_th: "ประเทศ" }), "is required")).toBe("กรุณาเลือกประเทศ");
    expect(fieldMessage("th", field({ kind: "file", label_th: "ใบแสดงผลการเรียน" }), "is required")).toBe(
      "กรุณาแนบใบแสดงผลการเรียน",
    );
  });

  it("say limits with their numbers, dates in the citizen's calendar, and address parts by name", () => {
    const years = field({ kind: "number", label_th: "จำนวนปี", label_en: "Years" });
    expect(fieldMessage("th", years, "must be at most 15")).toBe("จำนวนปี: ต้องไม่เกิน 15");
    expect(fieldMessage("en", years, "must be at most 15")).toBe("Years must be at most 15");
    const day = field({ kind: "date", label_th: "วันที่", label_en: "Date" });
    expect(fieldMessage("th", day, "must be on or before 2026-11-22")).toContain("2569"); // Buddhist era
    const home = field({ kind: "thai_address", label_th: "ที่อยู่", label_en: "Address" });
    expect(fieldMessage("th", home, "is missing: house_number, postcode")).toBe("ที่อยู่: ยังขาด บ้านเลขที่, รหัสไปรษณีย์");
    expect(fieldMessage("en", home, "is missing: postcode")).toBe("Address is missing: Postcode");
  });

  it("show a message it does not know as the server wrote it", () => {
    expect(fieldMessage("th", field({}), "something new")).toBe("ชื่อสถานศึกษา: something new");
  });

  it("say why an upload was refused in Thai, keeping the server's words in English", () => {
    expect(uploadMessage("th", "Only PDF, JPEG or PNG files are accepted.")).toBe("ไม่รับไฟล์นี้: รับเฉพาะไฟล์ PDF, JPEG หรือ PNG");
    expect(uploadMessage("en", "The file's name ends in .png but the file is a PDF.")).toContain("ends in .png");
    // A refusal the app has no words for: the server's Thai side in Thai, never its English.
    const locked = "The PDF is protected by a password. · ไฟล์ PDF นี้ตั้งรหัสผ่านไว้";
    expect(uploadMessage("th", locked)).toBe("ไม่รับไฟล์นี้: ไฟล์ PDF นี้ตั้งรหัสผ่านไว้");
    // Busy at a rush is not the file's fault.
    expect(uploadMessage("th", "A system this request needs is not answering.", 503)).toBe(
      "ขณะนี้มีผู้ใช้งานจำนวนมาก โปรดลองอีกครั้งในอีกสักครู่",
    );
  });
});

describe("saving a draft", () => {
  const form = {
    fields: [
      field({}),
      field({ name: "home", kind: "thai_address" }),
      field({ name: "years", kind: "number" }),
      field({ name: "transcript", kind: "file" }),
    ],
  };

  it("leaves out empty answers and a postcode still being typed, keeping the rest of the address", () => {
    const saved = forSaving(form, {
      school_name: "",
      home: { house_number: "99/1", postcode: "104" },
      years: 12,
      transcript: [],
    });
    expect(saved).toEqual({ home: { house_number: "99/1" }, years: 12 });
    expect(forSaving(form, { home: { postcode: "10400" } })).toEqual({ home: { postcode: "10400" } });
  });
});

describe("the timeline", () => {
  it("marks the steps done, current and to come, the fee step only when there is a fee", () => {
    const sent = [event("draft", "submitted", "citizen")];
    expect(statuses(application("submitted", sent))).toEqual([
      "submitted:done",
      "review:current",
      "approval:upcoming",
      "fee:upcoming",
      "document:upcoming",
    ]);
    expect(statuses(application("submitted", sent, { service_fee_satang: null }))).toEqual([
      "submitted:done",
      "review:current",
      "approval:upcoming",
      "document:upcoming",
    ]);
    const paid = [...sent, event("submitted", "in_review"), event("in_review", "approved"), event("approved", "fee_due"), event("fee_due", "paid", "system")];
    expect(statuses(application("paid", paid))).toEqual([
      "submitted:done",
      "review:done",
      "approval:done",
      "fee:done",
      "document:current",
    ]);
    expect(stepsOf(application("paid", paid))[3].events.map((e) => e.to_state)).toEqual(["fee_due", "paid"]);
  });

  it("shows where a refused or withdrawn application stopped, and its closing", () => {
    const refused = [event("draft", "submitted", "citizen"), event("submitted", "in_review"), event("in_review", "rejected", "agency", "no")];
    expect(statuses(application("rejected", refused))).toEqual([
      "submitted:done",
      "review:done",
      "approval:failed",
      "fee:stopped",
      "document:stopped",
    ]);
    const withdrawn = [event("draft", "submitted", "citizen"), event("submitted", "closed", "citizen")];
    expect(statuses(application("closed", withdrawn))).toEqual([
      "submitted:done",
      "review:stopped",
      "approval:stopped",
      "fee:stopped",
      "document:stopped",
      "closed:done",
    ]);
  });
});

describe("state names", () => {
  it("has every state in Thai and English", () => {
    for (const state of STATES) {
      expect(stateName("th", state)).not.toBe(state);
      expect(stateName("en", state)).not.toBe(state);
    }
  });
});

describe("verification codes and share QR codes", () => {
  it("read a typed code as the platform wrote it, and group it for reading aloud", () => {
    expect(normaliseCode(" k7qf-9m2x 4tpa-1blo ")).toBe("K7QF9M2X4TPA1B10");
    expect(groupCode("K7QF9M2X4TPA1B2C")).toBe("K7QF-9M2X-4TPA-1B2C");
  });

  it("turn an SVG with Thai text into an image address", () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><title>ทางรัฐ</title></svg>');
    expect(url.startsWith("data:image/svg+xml;base64,")).toBe(true);
    const bytes = Uint8Array.from(atob(url.split(",")[1]), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes)).toContain("ทางรัฐ");
  });
});
