import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { registerSW } from "virtual:pwa-register";

import { App } from "./app";
import "./styles.css";

const savedSize = localStorage.getItem("text-size");
if (savedSize) {
  document.documentElement.style.fontSize = `${Number(savedSize)}%`;
  document.documentElement.dataset.textSize = String(Number(savedSize));
}

let showUpdate: (ready: boolean) => void = () => undefined;
const updateServiceWorker =
  "serviceWorker" in navigator ? registerSW({ onNeedRefresh: () => showUpdate(true) }) : async () => undefined;

// The first visit loads its data before the service worker exists, so nothing of it is cached. When the
// worker first takes control, ask again (through it) for the API data this page already read: the first
// home screen after install then opens offline too.
// The same paths as the worker's "seen-data" cache in vite.config.ts (live streams, "/live", are not kept).
const KEPT_FOR_OFFLINE = /^\/api\/v1\/(tiles|entitlements|inbox|bills|receipts|me|applications|documents)(\/|$)(?!.*\/live$)/;
if ("serviceWorker" in navigator && !navigator.serviceWorker.controller) {
  navigator.serviceWorker.addEventListener(
    "controllerchange",
    () => {
      const seen = performance
        .getEntriesByType("resource")
        .map((entry) => entry.name)
        .filter((url) => new URL(url).origin === location.origin && KEPT_FOR_OFFLINE.test(new URL(url).pathname));
      for (const url of new Set(seen)) void fetch(url, { credentials: "same-origin" }).catch(() => undefined);
    },
    { once: true },
  );
}

function Root() {
  const [updateReady, setUpdateReady] = useState(false);
  useEffect(() => {
    showUpdate = setUpdateReady;
  }, []);
  return <App updateReady={updateReady} applyUpdate={() => void updateServiceWorker(true)} />;
}

render(<Root />, document.getElementById("app") as HTMLElement);
