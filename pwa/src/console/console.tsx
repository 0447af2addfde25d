// Staff consoles: agency (agency.tsx), support (support.tsx) and administration (admin.tsx), in Thai
// and English. Loaded on demand so citizens never download them; each person sees only the sections
// their roles allow (the API refuses the rest anyway).
import { useState } from "preact/hooks";

import type { Schema } from "../api";
import { useApp, useLoad } from "../state";
import { Tabs } from "../ui/segmented";
import { AdminConsole } from "./admin";
import { AgencyConsole } from "./agency";
import { CounterConsole } from "./counter";
import { SupportConsole } from "./support";
import { SupportPayments } from "./support-payments";
import { SupportScams } from "./support-scams";
import { useWords } from "./words";

export function Console() {
  const { me } = useApp();
  const { w, pick } = useWords();
  const roles: Schema<"RoleView">[] = me?.roles ?? [];
  const agencyIds = [...new Set(roles.filter((r) => r.agency_id !== null).map((r) => r.agency_id as number))];
  const isSupport = roles.some((r) => r.role === "support");
  const isAdmin = roles.some((r) => r.role === "platform_admin");
  const isCounter = roles.some((r) => r.role === "counter_staff");
  const [agencies] = useLoad("/api/v1/agencies");
  const agencyName = (id: number) => {
    const agency = agencies.status === "ok" ? agencies.data.find((row) => row.id === id) : undefined;
    return (agency && pick(agency, "name")) || `${w("agency")} ${id}`;
  };
  const sections: [string, string][] = [
    ...agencyIds.map((id): [string, string] => [`agency-${id}`, agencyName(id)]),
    ...(isCounter ? ([["counter", w("counter")]] as [string, string][]) : []),
    ...(isSupport
      ? ([
          ["support", w("support")],
          ["payments", w("paymentExceptions")],
          ["scams", w("scamReports")],
        ] as [string, string][])
      : []),
    ...(isAdmin ? ([["admin", w("administration")]] as [string, string][]) : []),
  ];
  const [section, setSection] = useState(sections[0]?.[0] ?? "");
  if (sections.length === 0) {
    return (
      <section aria-labelledby="console-title">
        <h1 id="console-title">{w("staffConsole")}</h1>
        <p>{w("noRole")}</p>
      </section>
    );
  }
  const agencyId = section.startsWith("agency-") ? Number(section.slice(7)) : null;
  return (
    <section aria-labelledby="console-title">
      <h1 id="console-title">{w("staffConsole")}</h1>
      <Tabs label={w("sections")} tabs={sections} current={section} choose={setSection} />
      {agencyId !== null && (
        <AgencyConsole
          key={section}
          agencyId={agencyId}
          name={agencyName(agencyId)}
          roles={roles.filter((r) => r.agency_id === agencyId).map((r) => r.role)}
        />
      )}
      {section === "counter" && <CounterConsole />}
      {section === "support" && <SupportConsole />}
      {section === "payments" && <SupportPayments />}
      {section === "scams" && <SupportScams />}
      {section === "admin" && <AdminConsole agencyName={agencyName} />}
    </section>
  );
}
