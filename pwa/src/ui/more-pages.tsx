// A list the API answers a page at a time (its Link header names the next page): the first page comes
// from useLoad; the pages after it are brought by a "more" button and kept here until the list reloads.
import { useState } from "preact/hooks";

import { ApiError } from "../api";
import { useApp } from "../state";
import { ErrorNotice } from "./notice";

export interface MorePages<T> {
  /** The first page's items followed by every page brought since. */
  items: (first: T[]) => T[];
  /** The cursor of the page still to bring, given the first page's. */
  next: (firstNext: string | null | undefined) => string | null;
  more: (cursor: string) => Promise<void>;
  /** Forget the pages brought (the list is being loaded again from its start). */
  reset: () => void;
  loading: boolean;
  problem: string;
}

export function useMorePages<T>(
  page: (cursor: string) => Promise<{ data: T[]; nextCursor?: string | null }>,
): MorePages<T> {
  const { problem: say } = useApp();
  const [brought, setBrought] = useState<{ items: T[]; next: string | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const [problem, setProblem] = useState("");
  return {
    items: (first) => [...first, ...(brought?.items ?? [])],
    next: (firstNext) => (brought ? brought.next : (firstNext ?? null)),
    more: async (cursor) => {
      setLoading(true);
      setProblem("");
      try {
        const { data, nextCursor } = await page(cursor);
        setBrought((current) => ({ items: [...(current?.items ?? []), ...data], next: nextCursor ?? null }));
      } catch (error) {
        setProblem(error instanceof ApiError ? say(error) : String(error));
      } finally {
        setLoading(false);
      }
    },
    reset: () => {
      setBrought(null);
      setProblem("");
    },
    loading,
    problem,
  };
}

/** The button that brings the next page, when there is one, and what went wrong bringing it. */
export function MoreButton<T>({ pages, next, label }: { pages: MorePages<T>; next: string | null; label: string }) {
  if (next === null && !pages.problem) return null;
  return (
    <>
      <ErrorNotice text={pages.problem} />
      {next !== null && (
        <button type="button" class="more no-print" disabled={pages.loading} onClick={() => void pages.more(next)}>
          {label}
        </button>
      )}
    </>
  );
}
