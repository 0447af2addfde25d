-- Seal groups (issue 23): a campaign's seals repeated the same sender, channel, text hash, signing key and
-- time in every recipient's row, with an index entry per seal for the text retention and one for the
-- agency's idempotency key (which only registrations have). Now the seals a writer makes together for
-- one text (a campaign's chunk; a single message is a group of one) share a group row holding those,
-- and whether the seals still show their text; each seal keeps only what is its own: the code, the
-- recipient's tag and the signature. A registration's idempotency key lives in a table of its own. What
-- is signed is unchanged, so every code checks as before; ``message_seals`` stays, as a view with the
-- old columns, for whoever reads seals by hand (support, tests).

CREATE TABLE seal_groups (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id bigint NOT NULL REFERENCES agencies (id),
    sent_at timestamptz NOT NULL,
    text_sha256 bytea NOT NULL CHECK (length(text_sha256) = 32),
    channel text NOT NULL CHECK (channel IN ('app', 'sms', 'letter', 'email')),
    key_id text NOT NULL,
    -- Whether its seals show the text (message_texts, by the hash): false for an agency that gave only
    -- the hash, and once retention took it.
    text_kept boolean NOT NULL
);
-- The retention sweep finds the groups still showing a text without reading every group.
CREATE INDEX seal_groups_texts_kept ON seal_groups (sent_at) WHERE text_kept;

-- Four columns, none nullable (no null bitmap), in an order that wastes no alignment padding: 154 bytes.
CREATE TABLE message_seal_codes (
    code text PRIMARY KEY CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{16}$'),
    group_id bigint NOT NULL REFERENCES seal_groups (id),
    -- HMAC keyed with the recipient's national-ID lookup hash over the code: never the person.
    recipient_tag bytea NOT NULL CHECK (length(recipient_tag) = 32),
    signature bytea NOT NULL CHECK (length(signature) = 64)
);

-- An agency registering a message of its own channel (SMS, letter, email) repeats safely.
CREATE TABLE message_code_registrations (
    code text PRIMARY KEY REFERENCES message_seal_codes (code),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash bytea NOT NULL,
    UNIQUE (agency_id, idempotency_key)
);

INSERT INTO seal_groups (agency_id, sent_at, text_sha256, channel, key_id, text_kept)
SELECT DISTINCT agency_id, sent_at, text_sha256, channel, key_id, text_kept FROM message_seals;
INSERT INTO message_seal_codes (code, group_id, recipient_tag, signature)
SELECT s.code, g.id, s.recipient_tag, s.signature
FROM message_seals s JOIN seal_groups g
    ON (g.agency_id, g.sent_at, g.text_sha256, g.channel, g.key_id, g.text_kept)
     = (s.agency_id, s.sent_at, s.text_sha256, s.channel, s.key_id, s.text_kept);
INSERT INTO message_code_registrations (code, agency_id, idempotency_key, request_hash)
SELECT code, agency_id, idempotency_key, request_hash FROM message_seals
WHERE idempotency_key IS NOT NULL AND request_hash IS NOT NULL;

DROP TABLE message_seals;
CREATE VIEW message_seals AS
SELECT c.code, g.agency_id, g.channel, c.recipient_tag, g.sent_at, g.text_sha256, g.key_id, c.signature,
       r.idempotency_key, r.request_hash, g.text_kept
FROM message_seal_codes c JOIN seal_groups g ON g.id = c.group_id
LEFT JOIN message_code_registrations r ON r.code = c.code;
