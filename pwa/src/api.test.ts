import { describe, expect, it } from "vitest";

import { ApiError, stepUpUrl } from "./api";

describe("stepUpUrl (RFC 9470)", () => {
  it("sends the citizen to log in again with the level and freshness asked for, and back here", () => {
    const error = new ApiError(
      401,
      "Step-up needed",
      "",
      'Bearer error="insufficient_user_authentication", acr_values="urn:demo:ial:2", max_age=600',
    );
    const url = new URL(stepUpUrl(error, "/bills?id=7") ?? "", "https://app.example");
    expect(url.pathname).toBe("/auth/login");
    expect(url.searchParams.get("acr_values")).toBe("urn:demo:ial:2");
    expect(url.searchParams.get("max_age")).toBe("600");
    expect(url.searchParams.get("next")).toBe("/bills?id=7");
  });

  it("leaves every other failure alone", () => {
    expect(stepUpUrl(new ApiError(401, "Log in", "", 'Bearer error="invalid_token"'), "/")).toBeNull();
    expect(stepUpUrl(new ApiError(403, "Forbidden", ""), "/")).toBeNull();
  });
});
