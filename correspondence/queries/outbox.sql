-- The transactional outbox: letters queued with their bytes fixed, claimed
-- under a lease before each attempt, settled after it; the proof of
-- sending (the server's reply) and the bounces linked to a letter.

-- name: count-letters-of-key
-- Exactly once per event: a letter with this event key was queued before.
SELECT count(*) FROM outbox WHERE event_key = ?

-- name: count-letters-to-since
-- The daily cap per recipient list.
SELECT count(*) FROM outbox WHERE rcpt = ? AND created_at > ?

-- name: insert-letter
INSERT INTO outbox (complaint_id, kind, event_key, mail_from, rcpt, message_id, subject, raw, next_attempt, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)

-- name: claim-due-letters
-- Due letters not leased, none overtaking an earlier letter of its
-- complaint to the same recipient that waits or is leased (see claimBatch).
-- Arguments: now four times, then the limit.
SELECT id, complaint_id, kind, mail_from, rcpt, message_id, subject, raw, attempts FROM outbox
	WHERE state = 'queued' AND next_attempt <= ? AND (lease_until IS NULL OR lease_until < ?)
	AND NOT EXISTS (SELECT 1 FROM outbox AS e WHERE e.complaint_id = outbox.complaint_id AND e.rcpt = outbox.rcpt AND e.state = 'queued' AND e.id < outbox.id
		AND (e.next_attempt > ? OR (e.lease_until IS NOT NULL AND e.lease_until >= ?)))
	ORDER BY id LIMIT ?

-- name: lease-letter
-- The attempt counted and the next retry written before the attempt.
UPDATE outbox SET attempts = ?, next_attempt = ?, lease_until = ?, last_error = ? WHERE id = ?

-- name: leased-letters
SELECT id, last_error FROM outbox WHERE state = 'queued' AND lease_until IS NOT NULL AND last_error LIKE 'lease:%'

-- name: release-lease
-- Only while the same owner still holds it (last_error = 'lease:PID').
UPDATE outbox SET lease_until = NULL, next_attempt = ? WHERE id = ? AND last_error = ?

-- name: letter-sent
UPDATE outbox SET state = 'sent', sent_at = ?, lease_until = NULL, last_error = '' WHERE id = ?

-- name: letter-not-tried
-- Claimed but never tried: the attempt is not counted.
UPDATE outbox SET lease_until = NULL, attempts = attempts - 1 WHERE id = ?

-- name: letter-retry-uncounted
-- Held back (a hold, or its domain deferred another letter): due again at
-- the given time, the attempt not counted.
UPDATE outbox SET lease_until = NULL, attempts = attempts - 1, next_attempt = ? WHERE id = ?

-- name: letter-interrupted
-- Interrupted by shutdown: not counted, no error kept.
UPDATE outbox SET lease_until = NULL, attempts = attempts - 1, next_attempt = ?, last_error = '' WHERE id = ?

-- name: letter-outage
-- The server is down: not counted, the error kept.
UPDATE outbox SET lease_until = NULL, attempts = attempts - 1, next_attempt = ?, last_error = ? WHERE id = ?

-- name: letter-deferred
-- A temporary refusal: counted; next_attempt was written at the claim.
UPDATE outbox SET lease_until = NULL, last_error = ? WHERE id = ?

-- name: letter-failed
UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = ? WHERE id = ?

-- name: next-due-letter
-- When the sender must wake next.
SELECT next_attempt FROM outbox WHERE state = 'queued' AND (lease_until IS NULL OR lease_until < ?) ORDER BY next_attempt LIMIT 1

-- name: letter-times-by-message-id
SELECT created_at, sent_at FROM outbox WHERE message_id = ? AND complaint_id = ?

-- name: count-letters-of-kind
SELECT count(*) FROM outbox WHERE complaint_id = ? AND kind = ?

-- name: count-letters-of-subject
-- Whether a subject (lower case, reply prefixes stripped) is one of ours.
SELECT count(*) FROM outbox WHERE complaint_id = ? AND lower(subject) = ?

-- name: insert-receipt
INSERT INTO letter_receipts (outbox_id, server, reply, accepted_at) VALUES (?, ?, ?, ?)

-- name: letter-by-message-id
-- A bounce's returned Message-ID: the letter it is about, with what the
-- bounce notice says of it (which letter, when).
SELECT id, complaint_id, kind, subject, rcpt, created_at, sent_at FROM outbox WHERE message_id = ?

-- name: link-dsn
INSERT INTO letter_dsns (outbox_id, message_row, linked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
