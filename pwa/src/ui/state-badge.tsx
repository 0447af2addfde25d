import { stateName } from "../screens/application-logic";
import { useApp } from "../state";

/** An application's state as a coloured badge, in the citizen's language. */
export function StateBadge({ state }: { state: string }) {
  const { language } = useApp();
  return <span class={`badge state-${state}`}>{stateName(language, state)}</span>;
}
