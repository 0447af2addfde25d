-- Seal groups (issue 23): a campaign's seals repeated the same sender, channel, text hash and signing key
-- in every recipient's row (~70 B of row and of WAL per message, and an index entry for the agency's
-- idempotency key even though only registrations have one). Now each seal keeps only what is its own (the
-- code, the recipient's tag, when, the signature, whether it shows its text) and names its group; a
-- registration's idempotency key lives in a table of its own. What is signed is unchanged, so every code
-- checks as before; ``message_seals`` stays as a view with the old columns for readers (support, tests).

CREATE TABLE seal_groups (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    channel text NOT NULL CHECK (channel IN ('app', 'sms', 'letter', 'email')),
    text_sha256 bytea NOT NULL CHECK (length(text_sha256) = 32),
    key_id text NOT NULL,
    UNIQUE (agency_id, text_sha256, channel, key_id)
);

-- Columns in an order that wastes no alignment padding; none nullable, so a row has no null bitmap.
CREATE TABLE message_seal_codes (
    code text PRIMARY KEY CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{16}$'),
    group_id bigint NOT NULL REFERENCES seal_groups (id),
    sent_at timestamptz NOT NULL,
    -- HMAC keyed with the recipient's national-ID lookup hash over the code: never the person.
    recipient_tag bytea NOT NULL CHECK (length(recipient_tag) = 32),
    signature bytea NOT NULL CHECK (length(signature) = 64),
    text_kept boolean NOT NULL DEFAULT false
);

-- An agency registering a message of its own channel (SMS, letter, email) repeats safely.
CREATE TABLE message_code_registrations (
    code text PRIMARY KEY REFERENCES message_seal_codes (code),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash bytea NOT NULL,
    UNIQUE (agency_id, idempotency_key)
);

INSERT INTO seal_groups (agency_id, channel, text_sha256, key_id)
SELECT DISTINCT agency_id, channel, text_sha256, key_id FROM message_seals;
INSERT INTO message_seal_codes (code, group_id, sent_at, recipient_tag, signature, text_kept)
SELECT s.code, g.id, s.sent_at, s.recipient_tag, s.signature, s.text_kept
FROM message_seals s JOIN seal_groups g
    ON (g.agency_id, g.channel, g.text_sha256, g.key_id) = (s.agency_id, s.channel, s.text_sha256, s.key_id);
INSERT INTO message_code_registrations (code, agency_id, idempotency_key, request_hash)
SELECT code, agency_id, idempotency_key, request_hash FROM message_seals
WHERE idempotency_key IS NOT NULL AND request_hash IS NOT NULL;

DROP TABLE message_seals;
-- The retention sweep finds the seals still showing a text without reading every seal.
CREATE INDEX message_seal_codes_texts_kept ON message_seal_codes (sent_at) WHERE text_kept;

CREATE VIEW message_seals AS
SELECT c.code, g.agency_id, g.channel, c.recipient_tag, c.sent_at, g.text_sha256, g.key_id, c.signature,
       r.idempotency_key, r.request_hash, c.text_kept
FROM message_seal_codes c JOIN seal_groups g ON g.id = c.group_id
LEFT JOIN message_code_registrations r ON r.code = c.code;
