import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, apiPath, nextCursor, request, setCsrfToken, stepUpUrl } from "./index";

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

describe("nextCursor (RFC 8288 Link)", () => {
  it("reads the cursor of the next page, and nothing when there is no next page", () => {
    expect(nextCursor('</api/v1/bills?status=unpaid&limit=2&cursor=MHwy>; rel="next"')).toBe("MHwy");
    expect(nextCursor('</api/v1/receipts?cursor=a%2Bb>; rel=next')).toBe("a+b");
    expect(nextCursor('</api/v1/receipts?cursor=x>; rel="prev"')).toBeNull();
    expect(nextCursor(null)).toBeNull();
  });
});

describe("apiPath", () => {
  it("fills a path template, encoding each value, and leaves out empty query values", () => {
    expect(apiPath("/api/v1/shared/{token}/open", { token: "a/b c" })).toBe("/api/v1/shared/a%2Fb%20c/open");
    expect(apiPath("/api/v1/tiles", undefined, { lang: "th", q: undefined })).toBe("/api/v1/tiles?lang=th");
    expect(apiPath("/api/v1/agency/{agency_id}/bills", { agency_id: 7 }, { limit: 50, status: null, before: "x" })).toBe(
      "/api/v1/agency/7/bills?limit=50&before=x",
    );
  });
});

describe("request", () => {
  afterEach(() => vi.unstubAllGlobals());

  function answering(response: Response) {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => response);
    vi.stubGlobal("fetch", fetch);
    return fetch;
  }

  it("sends JSON with the CSRF token and reads JSON back", async () => {
    setCsrfToken("token-1");
    const fetch = answering(Response.json({ id: 1, connector_id: 2 }, { status: 201 }));
    const { data } = await request("POST", "/api/v1/me/consents", { body: { connector_id: 2 } });
    expect(data.connector_id).toBe(2);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe("/api/v1/me/consents");
    expect(init.method).toBe("POST");
    expect(init.credentials).toBe("same-origin");
    expect(init.headers).toMatchObject({ "X-CSRF-Token": "token-1", "Content-Type": "application/json" });
    expect(init.body).toBe('{"connector_id":2}');
  });

  it("sends a file as multipart or as raw bytes, and a GET without the token", async () => {
    const fetch = answering(new Response(null, { status: 204 }));
    const form = new FormData();
    await request("POST", "/api/v1/applications/{application_id}/files", { path: { application_id: "a" }, body: form });
    expect(fetch.mock.calls[0]![1].body).toBe(form);
    expect(fetch.mock.calls[0]![1].headers).not.toHaveProperty("Content-Type");
    const copy = new Blob(["%PDF"]);
    const answer = await request("POST", "/api/v1/documents/verify/{code}", { path: { code: "K7QF" }, body: copy });
    expect(answer.data).toBeNull(); // 204
    expect(fetch.mock.calls[1]![1].headers).toMatchObject({ "Content-Type": "application/octet-stream" });
    await request("GET", "/api/v1/me");
    expect(fetch.mock.calls[2]![1].headers).not.toHaveProperty("X-CSRF-Token");
  });

  it("turns a problem body into an ApiError naming its fields, and no network into status 0", async () => {
    answering(
      Response.json(
        { title: "Bad Request", detail: "", errors: [{ field: "answers.postcode", message: "must be five digits" }] },
        { status: 400 },
      ),
    );
    const refused = await request("GET", "/api/v1/me").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).errors).toEqual([{ field: "answers.postcode", message: "must be five digits" }]);
    vi.stubGlobal("fetch", async () => Promise.reject(new TypeError("Failed to fetch")));
    const offline = await request("GET", "/api/v1/me").catch((error: unknown) => error);
    expect((offline as ApiError).status).toBe(0);
  });
});
