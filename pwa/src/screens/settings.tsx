// Settings: language and text size, notifications (devices, quiet hours, what to be alerted to), who
// acts for the citizen and for whom they act, and where the citizen is logged in. Always the person's
// own, also while acting for someone: then titled and said so. Fetched when first opened (routes.tsx), off the first load.
import { useState } from "preact/hooks";

import { ownSettingsNote, useActing } from "../acting";
import type { Language } from "../i18n";
import { useApp } from "../state";
import { Assisted } from "./settings-assisted";
import { Delegation } from "./settings-delegation";
import { NotificationSettings } from "./settings-notifications";
import { Sessions } from "./settings-sessions";

const TEXT_SIZES = [100, 125, 150, 200];
/** Each language by its own name, whichever language the app is in. */
const LANGUAGE_NAMES: Record<Language, string> = { th: "ไทย", en: "English" };

export function Settings() {
  const { t, tr, language, setLanguage } = useApp();
  const acting = useActing();
  const [textSize, setTextSize] = useState(Number(localStorage.getItem("text-size") ?? 100));

  function chooseTextSize(size: number) {
    localStorage.setItem("text-size", String(size));
    document.documentElement.style.fontSize = `${size}%`;
    document.documentElement.dataset.textSize = String(size);
    setTextSize(size);
  }

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">{t(acting ? "ownSettings" : "settings")}</h1>
      {acting && <p class="notice info">{tr(ownSettingsNote(acting))}</p>}
      <fieldset>
        <legend>{t("language")}</legend>
        {(["th", "en"] as Language[]).map((choice) => (
          <label key={choice} class="choice">
            <input type="radio" name="language" checked={language === choice} onChange={() => setLanguage(choice)} />
            {LANGUAGE_NAMES[choice]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t("textSize")}</legend>
        {TEXT_SIZES.map((size) => (
          <label key={size} class="choice">
            <input type="radio" name="text-size" checked={textSize === size} onChange={() => chooseTextSize(size)} />
            {size}%
          </label>
        ))}
      </fieldset>
      <NotificationSettings />
      <Delegation />
      <Assisted />
      <Sessions />
    </section>
  );
}
