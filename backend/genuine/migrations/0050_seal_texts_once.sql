-- A message's text kept once for all the seals that carry it (issue 23): a campaign's text was copied
-- into each recipient's seal (~1.5 KB of row and of WAL per message). A seal names its text by the hash
-- it signs already (text_sha256), so the texts are kept by that hash; ``text_kept`` says whether the
-- seal shows it (an agency that gave only the hash, or a seal past retention, shows none, even when the
-- same text is kept for another seal).

CREATE TABLE message_texts (
    text_sha256 bytea PRIMARY KEY CHECK (length(text_sha256) = 32),
    message_text text NOT NULL CHECK (length(message_text) <= 5000),
    -- The newest seal showing it (give or take a day: see backend/genuine/queries.insert_seals), so that
    -- retention deletes a text once no seal shows it any more.
    last_sent_at timestamptz NOT NULL
);
CREATE INDEX message_texts_last_sent ON message_texts (last_sent_at);

ALTER TABLE message_seals ADD COLUMN text_kept boolean NOT NULL DEFAULT false;

INSERT INTO message_texts (text_sha256, message_text, last_sent_at)
SELECT DISTINCT ON (text_sha256) text_sha256, message_text, max(sent_at) OVER (PARTITION BY text_sha256)
FROM message_seals WHERE message_text IS NOT NULL
ORDER BY text_sha256;
UPDATE message_seals SET text_kept = true WHERE message_text IS NOT NULL;

DROP INDEX message_seals_texts_kept;
ALTER TABLE message_seals DROP COLUMN message_text;
-- The retention sweep finds the seals still showing a text without reading every seal.
CREATE INDEX message_seals_texts_kept ON message_seals (sent_at) WHERE text_kept;
