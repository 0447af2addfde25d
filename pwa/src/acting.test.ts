import { describe, expect, it } from "vitest";

import { type Acting, openWhileActing } from "./acting";
import { setActingFor, withActing } from "./api";

const BILLS_ONLY: Acting = { id: "g1", name_th: "สมชาย", name_en: "Somchai", scopes: ["bills", "messages"] };

describe("acting for someone", () => {
  it("opens the screens of the granted scopes and the person's own settings and help, nothing else", () => {
    expect(openWhileActing("/bills", BILLS_ONLY)).toBe(true);
    expect(openWhileActing("/inbox", BILLS_ONLY)).toBe(true);
    expect(openWhileActing("/entitlements", BILLS_ONLY)).toBe(false);
    expect(openWhileActing("/wallet", BILLS_ONLY)).toBe(false);
    expect(openWhileActing("/data-access", BILLS_ONLY)).toBe(false);
    expect(openWhileActing("/settings", BILLS_ONLY)).toBe(true);
  });

  it("names the grant in each address of theirs, never in the person's own", () => {
    setActingFor("g 1");
    try {
      expect(withActing("/api/v1/bills")).toBe("/api/v1/bills?acting_for=g%201");
      expect(withActing("/api/v1/inbox?cursor=x")).toBe("/api/v1/inbox?cursor=x&acting_for=g%201");
      expect(withActing("/api/v1/me/delegations")).toBe("/api/v1/me/delegations");
      expect(withActing("/auth/logout")).toBe("/auth/logout");
      expect(withActing("https://elsewhere.example/x")).toBe("https://elsewhere.example/x");
    } finally {
      setActingFor(null);
    }
    expect(withActing("/api/v1/bills")).toBe("/api/v1/bills");
  });
});
