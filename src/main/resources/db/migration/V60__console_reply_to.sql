-- A console reply names the command message it answers, so a client can tell its answer from others.
ALTER TABLE console_message ADD COLUMN reply_to BIGINT;
