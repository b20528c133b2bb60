-- The local console's messages: the console is a real chat adapter, so what it shows survives restarts
-- just as messages on Discord do.
CREATE TABLE console_message (
    id            BIGSERIAL PRIMARY KEY,
    channel       TEXT        NOT NULL,
    in_thread     BIGINT      REFERENCES console_message (id),
    opened_thread BIGINT,
    author        TEXT        NOT NULL,
    text          TEXT        NOT NULL,
    buttons       TEXT        NOT NULL DEFAULT '[]',
    created_at    TIMESTAMPTZ NOT NULL,
    edited_at     TIMESTAMPTZ
);
CREATE INDEX console_message_channel ON console_message (channel, id) WHERE in_thread IS NULL;
CREATE INDEX console_message_thread ON console_message (in_thread, id);

CREATE TABLE console_reaction (
    message_id BIGINT      NOT NULL REFERENCES console_message (id),
    emoji      TEXT        NOT NULL,
    user_name  TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (message_id, emoji, user_name)
);
