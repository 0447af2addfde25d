/** A row of buttons of which one is pressed: the home screen's grouping, the console's sections. */
export function Tabs<K extends string>({
  tabs,
  current,
  choose,
  label,
}: {
  tabs: readonly (readonly [K, string])[];
  current: K;
  choose: (k: K) => void;
  label: string;
}) {
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
