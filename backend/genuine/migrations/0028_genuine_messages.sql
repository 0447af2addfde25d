-- Genuine messages (docs/genuine-messages.md): the platform's signed seal on every message it or an
-- agency sends, found by its verification code. The code is random; the seal is what makes it genuine.

CREATE TABLE message_seals (
    code text PRIMARY KEY CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{16}$'),
    agency_id bigint NOT NULL REFERENCES agencies (id),
    channel text NOT NULL CHECK (channel IN ('app', 'sms', 'letter', 'email')),
    -- HMAC keyed with the recipient's national-ID lookup hash over the code: never the person.
    recipient_tag bytea NOT NULL CHECK (length(recipient_tag) = 32),
    sent_at timestamptz NOT NULL,
    text_sha256 bytea NOT NULL CHECK (length(text_sha256) = 32),
    -- What the message says, shown to whoever checks the code; null when an agency gave only its hash.
    message_text text CHECK (length(message_text) <= 5000),
    key_id text NOT NULL,
    signature bytea NOT NULL CHECK (length(signature) = 64),
    -- An agency registering a message of its own channel (SMS, letter, email) repeats safely.
    idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, idempotency_key)
);
-- The retention sweep finds texts due for purging without reading every seal.
CREATE INDEX message_seals_texts_kept ON message_seals (sent_at) WHERE message_text IS NOT NULL;

-- The inbox and the push show each message's code; the column is the notifications feature's, filled
-- by the sealer it is wired to (notifications/seals.py). Older messages have none.
ALTER TABLE notifications ADD COLUMN verification_code text;
