-- The figures behind /metrics and /healthz, and the intake status the
-- daemon records for them and for the digest.

-- name: stats-mails-by-kind
SELECT kind AS k, count(*) AS n FROM messages GROUP BY kind

-- name: stats-letters
SELECT kind AS k, state AS s, count(*) AS n FROM outbox GROUP BY kind, state

-- name: oldest-queued
-- No row: the outbox is empty.
SELECT created_at FROM outbox WHERE state = 'queued' ORDER BY created_at LIMIT 1

-- name: stats-complaints
SELECT state AS k, count(*) AS n FROM complaints GROUP BY state

-- name: open-term-ends
SELECT term_end FROM complaints WHERE state = 'open'

-- name: intake-status
-- One row (id 1) once intake has reported; none before.
SELECT failing_since, last_ok FROM intake_status WHERE id = 1

-- name: set-intake-status
INSERT INTO intake_status (id, failing_since, last_ok) VALUES (1, ?, ?)
	ON CONFLICT(id) DO UPDATE SET failing_since = excluded.failing_since, last_ok = excluded.last_ok
