-- Files the bot sends with a console message (e.g. an audit export), as Discord keeps attachments
-- with the message they came with.
CREATE TABLE console_attachment (
    message_id   BIGINT NOT NULL REFERENCES console_message (id),
    name         TEXT   NOT NULL,
    content_type TEXT   NOT NULL,
    content      BYTEA  NOT NULL,
    PRIMARY KEY (message_id, name)
);
