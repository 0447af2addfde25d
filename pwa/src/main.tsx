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

function Root() {
  const [updateReady, setUpdateReady] = useState(false);
  useEffect(() => {
    showUpdate = setUpdateReady;
  }, []);
  return <App updateReady={updateReady} applyUpdate={() => void updateServiceWorker(true)} />;
}

render(<Root />, document.getElementById("app") as HTMLElement);
