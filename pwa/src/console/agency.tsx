// Agency console: its sections, each in a module of its own: tiles with a live preview (agency-tiles.tsx),
// connectors with their health and registration (agency-connectors.tsx), message templates and sending
// with live progress (agency-messages.tsx), the bills the agency issued with their payments
// (agency-bills.tsx), refunds, the webhook and machine clients (agency-integration.tsx), and the
// applications citizens sent (applications/), programmes behind the waiting room (agency-programmes.tsx),
// and its official channels in the sender register (senders.tsx).
import { useState } from "preact/hooks";

import "./agency.css";

import { Tabs } from "../ui/segmented";
import { BillsPanel } from "./agency-bills";
import { ConnectorsPanel } from "./agency-connectors";
import { ClientsPanel, RefundsPanel, WebhookPanel } from "./agency-integration";
import { TemplatesPanel } from "./agency-messages";
import { ProgrammesPanel } from "./agency-programmes";
import { SendPanel } from "./agency-send";
import { TilesPanel } from "./agency-tiles";
import { SendersPanel } from "./senders";
import { allAgencyWords, type AgencyWord, useAgencyWords } from "./agency-words";
import { ApplicationsPanel } from "./applications";
import { type Word, useWords } from "./words";

type AgencyTab = "applications" | "tiles" | "programmes" | "connectors" | "templates" | "send" | "bills" | "refunds" | "webhook" | "clients" | "senders";
const AGENCY_TABS: [AgencyTab, Word | AgencyWord, string[]][] = [
  ["tiles", "tiles", ["agency_admin", "agency_editor"]],
  ["programmes", "programmesTab", ["agency_admin", "agency_editor"]],
  ["connectors", "connectors", ["agency_admin"]],
  ["templates", "templates", ["agency_admin", "agency_sender"]],
  ["send", "sendMessage", ["agency_admin", "agency_sender"]],
  ["bills", "billsTab", ["agency_admin"]],
  ["refunds", "refundsTab", ["agency_admin"]],
  ["webhook", "webhookTab", ["agency_admin"]],
  ["clients", "clientsTab", ["agency_admin"]],
  ["senders", "sendersTab", ["agency_admin"]],
  ["applications", "applicationsTab", ["agency_admin", "agency_officer"]],
];

export function AgencyConsole({ agencyId, name, roles }: { agencyId: number; name: string; roles: string[] }) {
  const { w } = useWords();
  const { a } = useAgencyWords();
  const say = (word: Word | AgencyWord) => (word in allAgencyWords ? a(word as AgencyWord) : w(word as Word));
  // Only the sections this person's roles at this agency allow (the API refuses the rest anyway).
  const tabs = AGENCY_TABS.filter(([, , allowed]) => allowed.some((role) => roles.includes(role)));
  const [tab, setTab] = useState<AgencyTab>(tabs[0]?.[0] ?? "tiles");
  return (
    <>
      <h2>{name}</h2>
      <Tabs label={w("sections")} tabs={tabs.map(([key, word]): [AgencyTab, string] => [key, say(word)])} current={tab} choose={setTab} />
      {tab === "tiles" && <TilesPanel agencyId={agencyId} />}
      {tab === "programmes" && <ProgrammesPanel agencyId={agencyId} />}
      {tab === "connectors" && <ConnectorsPanel agencyId={agencyId} />}
      {tab === "templates" && <TemplatesPanel agencyId={agencyId} />}
      {tab === "send" && <SendPanel agencyId={agencyId} />}
      {tab === "bills" && <BillsPanel agencyId={agencyId} />}
      {tab === "refunds" && <RefundsPanel agencyId={agencyId} />}
      {tab === "webhook" && <WebhookPanel agencyId={agencyId} />}
      {tab === "clients" && <ClientsPanel agencyId={agencyId} />}
      {tab === "senders" && <SendersPanel agencyId={agencyId} />}
      {tab === "applications" && <ApplicationsPanel agencyId={agencyId} />}
    </>
  );
}
