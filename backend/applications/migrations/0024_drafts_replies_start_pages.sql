-- Drafts a citizen can trust and leave, replies that carry documents, and a start page per service.

-- Answers that do not fit the form yet, kept as the citizen typed them so that a reload brings them back.
-- Only the citizen sees them; the agency only ever gets the checked answers (a submit or reply with any
-- left here is refused).
ALTER TABLE applications ADD COLUMN invalid_answers jsonb NOT NULL DEFAULT '{}';

-- A discarded draft keeps its row (its removed files count against the citizen's upload quota until
-- the collector takes their bytes, as any removed file does) but loses its answers and leaves every list.
INSERT INTO application_states VALUES ('discarded', true);
INSERT INTO application_transitions VALUES ('draft', 'discarded', 'citizen');
ALTER TABLE applications DROP CONSTRAINT applications_check;
ALTER TABLE applications ADD CONSTRAINT applications_sent_check
    CHECK ((state IN ('draft', 'discarded')) = (submitted_at IS NULL));

-- A file sent with a reply to a request for more information answers no question of the form: it has
-- no field, and names the reply's event once the reply is sent (until then it waits in the reply form).
ALTER TABLE application_files ALTER COLUMN field DROP NOT NULL;
ALTER TABLE application_files ADD COLUMN reply_event_id bigint REFERENCES application_events (id);
ALTER TABLE application_files ADD CONSTRAINT application_files_answer_or_reply
    CHECK (reply_event_id IS NULL OR field IS NULL);

-- What the start page says before login: who can apply, what to have ready, how long it takes
-- (backend/applications/forms.py, StartPage, checks it before it is stored).
ALTER TABLE application_services ADD COLUMN start_page jsonb;
