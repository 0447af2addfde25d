// An action that needs a second thought (cancel a bill, revoke a role, remove an entry), confirmed in the
// page rather than with the browser's confirm(): the browser's box is in the browser's language, not the
// app's, cannot be styled for 200% text, and many elderly users read it as a scam pop-up.
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

import { useApp } from "../state";

type Props = {
  /** The button's words, e.g. "Cancel bill". */
  children: ComponentChildren;
  /** What the button acts on, for a screen reader when several such buttons are on one screen. */
  about?: string;
  /** The question asked beside the button. */
  question: string;
  /** The words of the button that does it, e.g. "Yes, cancel the bill". */
  yes: string;
  onConfirm: () => unknown;
};

export function ConfirmButton({ children, about, question, yes, onConfirm }: Props) {
  const { tr } = useApp();
  const [asking, setAsking] = useState(false);
  const questionRef = useRef<HTMLParagraphElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const opened = useRef(false);
  useEffect(() => {
    // Focus follows the question (so a screen reader reads it) and returns to the button when it closes.
    if (asking) questionRef.current?.focus();
    else if (opened.current) buttonRef.current?.focus();
    opened.current = asking;
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" ref={buttonRef} onClick={() => setAsking(true)}>
        {children}
        {about && <span class="visually-hidden"> {about}</span>}
      </button>
    );
  }
  return (
    <div class="notice confirm" role="alertdialog" aria-label={question}>
      <p tabIndex={-1} ref={questionRef}>
        <strong>{question}</strong>
      </p>
      <div class="actions">
        <button
          type="button"
          class="primary"
          onClick={() => {
            opened.current = false;
            setAsking(false);
            void onConfirm();
          }}
        >
          {yes}
        </button>
        <button type="button" onClick={() => setAsking(false)}>
          {tr({ th: "ไม่ใช่ กลับไป", en: "No, go back" })}
        </button>
      </div>
    </div>
  );
}
