-- A message only one user may see (an answer meant for the requester alone); NULL: everyone in the channel.
ALTER TABLE console_message ADD COLUMN visible_to TEXT;
