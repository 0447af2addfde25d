// Small pieces every console section uses.
import type { ComponentChildren } from "preact";

import { ApiError } from "../api";
import { useWords } from "./words";

export function useProblemText(): (error: unknown) => string {
  const { w } = useWords();
  return (error) => {
    if (error instanceof ApiError && error.status === 0) return w("offline");
    // A problem that names its fields but has no detail (the API's own checks) is told field by field.
    if (error instanceof ApiError && !error.detail && error.errors.length > 0) {
      return `${error.title}: ${error.errors.map((item) => `${item.field}: ${item.message}`).join("; ")}`;
    }
    return error instanceof ApiError ? error.detail || error.title : w("failed");
  };
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
