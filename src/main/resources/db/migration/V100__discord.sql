-- Discord: the commands registered per guild (registered again only when they change), the cards
-- people sign off on by reaction, and the sign-off reactions Vitals has seen on them, so that after a
-- restart or a lost gateway session it can apply what was added or withdrawn while it was away.
CREATE TABLE discord_command_registration (
    guild_id      TEXT PRIMARY KEY,
    fingerprint   TEXT NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE discord_card (
    message_id   TEXT PRIMARY KEY,
    channel_id   TEXT NOT NULL,
    channel_name TEXT NOT NULL,
    open         BOOLEAN NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX discord_card_open ON discord_card (created_at) WHERE open;

CREATE TABLE discord_reaction (
    message_id TEXT NOT NULL,
    emoji      TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);
