// Small pieces every console section uses.
import type { ComponentChildren } from "preact";

import { ApiError } from "../api";
import { useWords } from "./words";

export function useProblemText(): (error: unknown) => string {
  const { w } = useWords();
  return (error) => (error instanceof ApiError ? error.detail || error.title : w("failed"));
}

export function Tabs<K extends string>({ tabs, current, choose, label }: { tabs: [K, string][]; current: K; choose: (k: K) => void; label: string }) {
  return (
    <div class="segmented" role="group" aria-label={label}>
      {tabs.map(([key, text]) => (
        <button key={key} type="button" aria-pressed={current === key} onClick={() => choose(key)}>
          {text}
        </button>
      ))}
    </div>
  );
}

export function Field({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <label class="field">
      <span>{label}</span>
      {children}
    </label>
  );
}
