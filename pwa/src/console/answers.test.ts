import { describe, expect, it } from "vitest";

import { type ApplicationService, type FormField, answerText, certificateDraft, fileIds, fileSize } from "./answers";

const country: FormField = {
  name: "country", kind: "choice", label_th: "ประเทศที่สำเร็จการศึกษา", label_en: "Country where you studied",
  choices: [{ value: "JP", label_th: "ญี่ปุ่น", label_en: "Japan" }, { value: "US", label_th: "สหรัฐอเมริกา", label_en: "United States" }],
};
const fields: FormField[] = [
  country,
  { name: "school_name", kind: "text", label_th: "ชื่อสถานศึกษา", label_en: "Name of the school" },
  { name: "level", kind: "choice", label_th: "ระดับ", label_en: "Level", choices: [{ value: "M6", label_th: "มัธยมศึกษาปีที่ 6", label_en: "Upper secondary (M6)" }] },
  { name: "completed_on", kind: "date", label_th: "วันที่สำเร็จการศึกษา", label_en: "Date you finished" },
  { name: "years", kind: "number", label_th: "จำนวนปี", label_en: "Years" },
  { name: "address", kind: "thai_address", label_th: "ที่อยู่", label_en: "Address" },
  { name: "transcript", kind: "file", label_th: "ใบแสดงผลการเรียน", label_en: "Transcript" },
];
const answers = {
  country: "JP", school_name: "Hibiya High School", level: "M6", completed_on: "2020-03-31", years: 3,
  address: { house_number: "99/1", road: "", subdistrict: "Khlong Toei", district: "Khlong Toei", province: "Bangkok", postcode: "10110" },
  transcript: ["f1", "f2"],
};
const service = (code: string): ApplicationService => ({
  id: 1, code, title_th: "เทียบวุฒิการศึกษาจากต่างประเทศ", title_en: "Foreign qualification equivalence", fee_satang: 20000, form: { fields },
});

describe("answers read through the form", () => {
  it("names a choice by its label in the viewer's language, and several choices together", () => {
    expect(answerText("th", country, "JP")).toBe("ญี่ปุ่น");
    expect(answerText("en", country, "JP")).toBe("Japan");
    expect(answerText("en", { ...country, multiple: true }, ["JP", "US"])).toBe("Japan, United States");
    expect(answerText("en", country, "XX")).toBe("XX"); // a value the form no longer offers stays readable
  });

  it("writes dates for people (Buddhist era in Thai) and an address in its written order, skipping empty parts", () => {
    expect(answerText("th", fields[3]!, "2020-03-31")).toContain("2563");
    expect(answerText("en", fields[3]!, "2020-03-31")).toBe("31 Mar 2020");
    expect(answerText("en", fields[5]!, answers.address)).toBe("99/1, Khlong Toei, Khlong Toei, Bangkok, 10110");
  });

  it("leaves file answers to links and says nothing for an empty answer", () => {
    expect(answerText("en", fields[6]!, ["f1"])).toBeNull();
    expect(fileIds(answers.transcript)).toEqual(["f1", "f2"]);
    expect(fileIds("not a list")).toEqual([]);
    expect(answerText("en", fields[1]!, "")).toBe("");
    expect(answerText("en", fields[1]!, undefined)).toBe("");
  });

  it("gives file sizes in bytes, KB or MB", () => {
    expect(fileSize("en", 980)).toBe("980 B");
    expect(fileSize("en", 1536)).toBe("1.5 KB");
    expect(fileSize("en", 5 * 1024 * 1024)).toBe("5 MB");
  });
});

describe("the certificate's prefilled wording", () => {
  it("for the foreign-equivalence service: its certificate title and the four lines it states, in both languages", () => {
    const draft = certificateDraft(service("foreign-equivalence"), service("x"), answers);
    expect(draft.title_th).toBe("หนังสือรับรองการเทียบวุฒิการศึกษา");
    expect(draft.title_en).toBe("Certificate of qualification equivalence");
    expect(draft.details.map((line) => line.label_en)).toEqual(["Country of study", "School", "Recognised as equivalent to", "Date of completion"]);
    expect(draft.details[0]!.value).toBe("ญี่ปุ่น / Japan");
    expect(draft.details[3]!.value).toMatch(/2563 \/ 31 March 2020$/);
  });

  it("for any other service: the service's title and every short answer under the form's labels", () => {
    const draft = certificateDraft(service("other"), { title_th: "บริการ", title_en: "Service" }, { ...answers, school_name: "" });
    expect(draft.title_en).toBe("Service");
    expect(draft.details.map((line) => line.label_en)).toEqual(["Country where you studied", "Level", "Date you finished", "Years"]);
    expect(draft.details[3]!.value).toBe("3");
  });

  it("without the form, only the title", () => {
    expect(certificateDraft(undefined, { title_th: "ก", title_en: "A" }, answers)).toEqual({ title_th: "ก", title_en: "A", details: [] });
  });
});
