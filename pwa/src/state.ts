// Shared app state: who is logged in, the language and text size, and a hook to load data.
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useState } from "preact/hooks";

import { ApiError, get } from "./api";
import { type Key, type Language, translate } from "./i18n";

export interface Me {
  id: string;
  name_th: string | null;
  name_en: string | null;
  national_id_masked: string;
  csrf_token: string;
  roles: { role: string; agency_id: number | null }[];
}

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

export function useApp(): AppState & { t: (key: Key) => string } {
  const state = useContext(App);
  return { ...state, t: (key: Key) => translate(state.language, key) };
}

export type Load<T> =
  | { status: "loading" }
  | { status: "ok"; data: T; offlineAsOf: Date | null }
  | { status: "error"; error: ApiError };

export function useLoad<T>(path: string | null): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    get<T>(path).then(
      (loaded) => current && setLoad({ status: "ok", ...loaded }),
      (error: unknown) =>
        current && setLoad({ status: "error", error: error instanceof ApiError ? error : new ApiError(0, "", "") }),
    );
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return [load, reload];
}
