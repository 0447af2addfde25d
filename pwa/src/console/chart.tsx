// Campaign progress as a small SVG line chart: messages delivered and failed over time. Plain SVG,
// no chart library (the console must stay small); a text summary beside it carries the same figures.
export interface Sample {
  seconds: number;
  counts: Record<string, number>;
}

type Series = "delivered" | "failed" | "waiting";
// A temporary failure is pushed again later: still waiting, not failed.
const SERIES: [Series, string[], string][] = [
  ["delivered", ["delivered"], "#0b6e4f"],
  ["failed", ["permanent-failure", "technical-failure"], "#b3261e"],
  ["waiting", ["created", "sending", "temporary-failure"], "#5f6368"],
];
const ENGLISH: Record<Series, string> = { delivered: "delivered", failed: "failed", waiting: "waiting" };

function total(counts: Record<string, number>, keys: string[]): number {
  return keys.reduce((sum, key) => sum + (counts[key] ?? 0), 0);
}

export function CampaignChart({
  samples,
  label = "Messages by status over time",
  names = ENGLISH,
}: {
  samples: Sample[];
  label?: string;
  /** Each line's name in the reader's language. */
  names?: Record<Series, string>;
}) {
  const width = 320;
  const height = 140;
  const last = samples[samples.length - 1];
  const highest = Math.max(1, ...samples.flatMap((s) => SERIES.map(([, keys]) => total(s.counts, keys))));
  const span = Math.max(1, last?.seconds ?? 1);
  const line = (keys: string[]) =>
    samples
      .map((s) => {
        const value = total(s.counts, keys);
        return `${((s.seconds / span) * (width - 10) + 5).toFixed(1)},${(height - 5 - (value / highest) * (height - 10)).toFixed(1)}`;
      })
      .join(" ");
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <rect x="0" y="0" width={width} height={height} fill="none" stroke="#c4c7c5" />
        {samples.length > 1 && SERIES.map(([name, keys, colour]) => <polyline key={name} points={line(keys)} fill="none" stroke={colour} stroke-width="2" />)}
      </svg>
      <figcaption>
        {SERIES.map(([name, keys, colour]) => (
          <span key={name} class="legend">
            <span style={{ background: colour }} aria-hidden="true" /> {names[name]}: {last ? total(last.counts, keys) : 0}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
