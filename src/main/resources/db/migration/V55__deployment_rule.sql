-- Which rule let a deployment or rollback through (or made it wait for sign-off), in words, so its
-- card and the audit trail can say why a rollback needed no sign-off or became a deploy.
ALTER TABLE deployment ADD COLUMN rule TEXT;
