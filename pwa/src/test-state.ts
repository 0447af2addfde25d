// The app's shared state as the component tests start from: nobody logged in, Thai, nothing unread.
import type { AppState } from "./state";

export const TEST_STATE: AppState = {
  me: null,
  language: "th",
  setLanguage: () => undefined,
  navigate: () => undefined,
  unread: 0,
  refreshUnread: () => undefined,
};
