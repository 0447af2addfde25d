// @vitest-environment happy-dom
import { render } from "preact";
import { describe, expect, it } from "vitest";

import { CampaignChart } from "./chart";

describe("CampaignChart", () => {
  it("draws a line per status group and says the latest figures in words", () => {
    const host = document.createElement("div");
    render(
      <CampaignChart
        samples={[
          { seconds: 1, counts: { created: 10 } },
          { seconds: 2, counts: { delivered: 6, "permanent-failure": 1, sending: 3 } },
        ]}
      />,
      host,
    );
    expect(host.querySelectorAll("polyline")).toHaveLength(3);
    expect(host.querySelector("figcaption")?.textContent).toContain("delivered: 6");
    expect(host.querySelector("figcaption")?.textContent).toContain("failed: 1");
    expect(host.querySelector("figcaption")?.textContent).toContain("waiting: 3");
  });
});
