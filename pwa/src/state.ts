// Shared app state: who is logged in, the language and text size, and a hook to load data.
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useState } from "preact/hooks";

import { ApiError, type PathFor, request, type RequestOptions, type ResponseOf, type Schema } from "./api";
import { type Key, type Language, type Localizer, words } from "./i18n";
import { problemWords } from "./ui/problem-words";

export type Me = Schema<"Me">;

export interface AppState {
  me: Me | null;
  language: Language;
  setLanguage: (language: Language) => void;
  navigate: (path: string) => void;
  unread: number;
  refreshUnread: () => void;
}

export const App = createContext<AppState>({
  me: null,
  language: "th",
  setLanguage: () => undefined,
  navigate: () => undefined,
  unread: 0,
  refreshUnread: () => undefined,
});

export type UseApp = AppState &
  Localizer<Key> & {
    /** A refused or failed request in plain words: offline, or the problem in the reader's language
     * (ui/problem-words: never the API's English on a Thai screen). */
    problem: (error: ApiError) => string;
  };

export function useApp(): UseApp {
  const state = useContext(App);
  const say = words(state.language);
  return {
    ...state,
    ...say,
    problem: (error) => {
      if (error.status === 0) return say.t("offline");
      if (error.type === "/problems/not-while-acting") return say.t("notWhileActing");
      if (error.type === "/problems/acting-ended") return say.t("actingEnded");
      return problemWords(state.language, error);
    },
  };
}

export type Load<T> =
  | { status: "loading" }
  | { status: "ok"; data: T; offlineAsOf: Date | null; nextCursor?: string | null }
  | { status: "error"; error: ApiError };

/** GETs a path (loaded again when the address it makes changes, or on `reload`); `show` puts what the
 * server sent by other means in its place (a live stream's event with the same shape). */
export function useLoad<P extends PathFor<"GET">>(
  path: P,
  ...options: RequestOptions<P, "GET">
): [Load<ResponseOf<P, "GET">>, () => void, (data: ResponseOf<P, "GET">) => void] {
  const [load, setLoad] = useState<Load<ResponseOf<P, "GET">>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  const address = JSON.stringify([path, options[0] ?? null]);
  useEffect(() => {
    let current = true;
    request("GET", path, ...options).then(
      (loaded) => current && setLoad({ status: "ok", ...loaded }),
      (error: unknown) =>
        current && setLoad({ status: "error", error: error instanceof ApiError ? error : new ApiError(0, "", "") }),
    );
    return () => {
      current = false;
    };
  }, [address, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const show = useCallback((data: ResponseOf<P, "GET">) => setLoad({ status: "ok", data, offlineAsOf: null }), []);
  return [load, reload, show];
}
