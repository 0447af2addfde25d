// Who sent a tile or connector for review, as the reviewer's queue says it: a person by name, an
// agency's machine client by its name, or the platform itself (only the demo data is written by
// neither), never "unknown".
import { OTHER, pick } from "../i18n";
import { useWords } from "./words";

export type SubmittedBy = {
  submitted_by_th?: string | null;
  submitted_by_en?: string | null;
  submitted_by_client?: string | null;
};

export function Submitter({ by }: { by: SubmittedBy }) {
  const { w, language } = useWords();
  // Like pickAny, but with `||`: an empty name is no name either.
  const person = pick(language, by, "submitted_by") || pick(OTHER[language], by, "submitted_by");
  if (person) return <>{person}</>;
  if (by.submitted_by_client) return <>{w("machineClientNamed")} “{by.submitted_by_client}”</>;
  return <>{w("platformItself")}</>;
}
