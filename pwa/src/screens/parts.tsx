// Small pieces the applications, wallet and public screens share.
import type { ComponentChildren } from "preact";

import { useApp } from "../state";
import { stateName } from "./application-logic";

/** A link inside the app: a real address (open in a new tab, copy) that navigates without a reload. */
export function Link({ to, class: className, children }: { to: string; class?: string; children: ComponentChildren }) {
  const { navigate } = useApp();
  return (
    <a
      href={to}
      class={className}
      onClick={(event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function StateBadge({ state }: { state: string }) {
  const { language } = useApp();
  return <span class={`badge state-${state}`}>{stateName(language, state)}</span>;
}
