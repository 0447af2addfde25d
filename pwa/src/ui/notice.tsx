/** A problem said where it happened (nothing when there is none). */
export function ErrorNotice({ text }: { text: string }) {
  return text ? (
    <p class="notice error" role="alert">
      {text}
    </p>
  ) : null;
}
