-- Maintenance mode: whether a window's maintenance pages are all down again. A window that put pages up
-- is looked after (pages taken down, their containers removed) until this is true, across restarts.
ALTER TABLE maintenance_window ADD COLUMN pages_done BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE maintenance_window SET pages_done = TRUE WHERE status IN ('ENDED', 'CANCELLED');
