// An application's files and events as staff see them (the agency's applications, support's look-up).
import type { Schema } from "../api";
import { fileSize, fileType } from "../console/answers";
import { useWords } from "../console/words";

/** A link that downloads one of an application's files, with its type and size. */
export function FileLink({ href, file }: { href: string; file: Schema<"FileView"> }) {
  const { language } = useWords();
  return (
    <>
      <a href={href} download={file.file_name}>{file.file_name}</a>{" "}
      <span class="meta">({fileType(file.content_type)}, {fileSize(language, file.size_bytes)})</span>
    </>
  );
}

/** What happened to an application, oldest first: each state it reached, who moved it, their note. */
export function Timeline({ events }: { events: Schema<"EventView">[] }) {
  const { named, when } = useWords();
  return (
    <ol class="timeline">
      {events.map((event) => (
        <li key={event.id}>
          <time dateTime={event.at}>{when(event.at)}</time>: <strong>{named("state_", event.to_state)}</strong> ·{" "}
          {named("actor_", event.actor_kind)}
          {event.note && <>: “{event.note}”</>}
        </li>
      ))}
    </ol>
  );
}
