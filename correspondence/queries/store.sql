-- The Store's own bookkeeping: which migrations ran, the IMAP cursors, the
-- WAL. (The migrations themselves are in ../migrations.)

-- name: create-migrations-table
CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)

-- name: migration-done
SELECT count(*) FROM schema_migrations WHERE name = ?

-- name: record-migration
INSERT INTO schema_migrations(name) VALUES (?)

-- name: get-cursor
SELECT uidvalidity, last_uid FROM cursors WHERE mailbox = ?

-- name: set-cursor
INSERT INTO cursors(mailbox, uidvalidity, last_uid) VALUES (?, ?, ?)
	ON CONFLICT(mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid

-- name: checkpoint
-- Copies the WAL into the file and truncates it (after an erasure).
PRAGMA wal_checkpoint(TRUNCATE)

-- name: vacuum-into
-- A consistent copy of the whole database into a new file, while writers
-- go on (klachtd backup).
VACUUM INTO ?

-- name: integrity-check
PRAGMA integrity_check

-- name: migrations-recorded
SELECT count(*) FROM schema_migrations
