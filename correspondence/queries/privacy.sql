-- Legal holds, erasure (on request and at the end of the retention term)
-- and what erasure records for the ledger walk.

-- name: privacy-of
SELECT hold_reason, hold_by, hold_at, erased_at, erased_why FROM complaint_privacy WHERE complaint_id = ?

-- name: count-messages-of-complaint
SELECT count(*) FROM messages WHERE complaint_id = ?

-- name: count-letters-of-complaint
SELECT count(*) FROM outbox WHERE complaint_id = ?

-- name: count-events-of-complaint
SELECT count(*) FROM events WHERE complaint_id = ? AND kind != 'erased'

-- name: message-rows-of-complaint
SELECT id FROM messages WHERE complaint_id = ?

-- name: letter-rows-of-complaint
SELECT id FROM outbox WHERE complaint_id = ?

-- name: event-rows-of-complaint
SELECT id FROM events WHERE complaint_id = ? AND kind != 'erased'

-- name: erase-chunks-of-complaint
-- The five erase statements of one complaint run in this order, each with
-- the complaint's id.
DELETE FROM message_chunks WHERE message_row IN (SELECT id FROM messages WHERE complaint_id = ?)

-- name: blank-messages-of-complaint
UPDATE messages SET raw = x'', parse_json = '{}', from_addr = '', subject = '', note = '', message_id = '' WHERE complaint_id = ?

-- name: blank-letters-of-complaint
-- A letter still queued for an erased complaint can no longer be sent: its
-- bytes are gone.
UPDATE outbox SET raw = x'', rcpt = '', subject = '', last_error = CASE WHEN state = 'queued' THEN 'erased before it was sent' ELSE '' END,
	state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END, lease_until = NULL WHERE complaint_id = ?

-- name: blank-events-of-complaint
UPDATE events SET detail = '' WHERE complaint_id = ? AND kind != 'erased'

-- name: blank-complaint
UPDATE complaints SET company = '', address = '', name = '', phone = '', availability = '', email = '',
	description = '', refs = '', contact = '', problems = '{}' WHERE id = ?

-- name: record-erasure
INSERT INTO complaint_privacy (complaint_id, erased_at, erased_why) VALUES (?, ?, ?)
	ON CONFLICT(complaint_id) DO UPDATE SET erased_at = excluded.erased_at, erased_why = excluded.erased_why

-- name: mark-erased-row
-- The content a blanked row has now and the erasure event that blanked it.
INSERT INTO erased_rows (tbl, row_id, erased_hash, event) VALUES (?, ?, ?, ?)
	ON CONFLICT(tbl, row_id) DO UPDATE SET erased_hash = excluded.erased_hash, event = excluded.event

-- name: loose-messages-from
-- A person's mails tied to no complaint (the address in lower case).
SELECT id FROM messages WHERE complaint_id IS NULL AND lower(from_addr) = ?

-- name: loose-letters-to
-- Letters to a person tied to no complaint; the argument is a LIKE pattern
-- with \ escaping.
SELECT id FROM outbox WHERE complaint_id IS NULL AND lower(rcpt) LIKE ? ESCAPE '\'

-- name: loose-events-naming
SELECT id FROM events WHERE complaint_id IS NULL AND kind != 'erased' AND lower(detail) LIKE ? ESCAPE '\'

-- name: erase-chunks-of-message
DELETE FROM message_chunks WHERE message_row = ?

-- name: blank-message
UPDATE messages SET raw = x'', parse_json = '{}', from_addr = '', subject = '', note = '', message_id = '' WHERE id = ?

-- name: blank-letter
UPDATE outbox SET raw = x'', rcpt = '', subject = '', last_error = CASE WHEN state = 'queued' THEN 'erased before it was sent' ELSE '' END,
	state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END, lease_until = NULL WHERE id = ?

-- name: blank-event
UPDATE events SET detail = '' WHERE id = ?

-- name: release-hold
UPDATE complaint_privacy SET hold_reason = '', hold_by = ?, hold_at = ? WHERE complaint_id = ?

-- name: set-hold
INSERT INTO complaint_privacy (complaint_id, hold_reason, hold_by, hold_at) VALUES (?, ?, ?, ?)
	ON CONFLICT(complaint_id) DO UPDATE SET hold_reason = excluded.hold_reason, hold_by = excluded.hold_by, hold_at = excluded.hold_at

-- name: held-complaints
SELECT complaint_id, hold_reason FROM complaint_privacy WHERE hold_reason != '' ORDER BY complaint_id

-- name: expired-complaints
-- Finished complaints past the retention term, not held, not yet erased.
-- closed_day is set by every way a complaint ends; received_at stands in
-- for one that ended without it. Arguments: the two finished states, the
-- cutoff day, the cutoff instant.
SELECT {{complaint-columns}} FROM complaints c LEFT JOIN complaint_privacy p ON p.complaint_id = c.id
	WHERE c.state IN (?, ?) AND p.erased_at IS NULL AND coalesce(p.hold_reason, '') = ''
	AND ((c.closed_day != '' AND c.closed_day <= ?) OR (c.closed_day = '' AND c.received_at < ?)) ORDER BY c.id

-- name: loose-messages-before
SELECT id FROM messages WHERE complaint_id IS NULL AND arrived_at < ?
	AND id NOT IN (SELECT row_id FROM erased_rows WHERE tbl = 'messages')

-- name: loose-letters-before
SELECT id FROM outbox WHERE complaint_id IS NULL AND created_at < ? AND state != 'queued'
	AND id NOT IN (SELECT row_id FROM erased_rows WHERE tbl = 'outbox')

-- name: loose-events-before
SELECT id FROM events WHERE complaint_id IS NULL AND at < ? AND kind != 'erased' AND detail != ''
	AND id NOT IN (SELECT row_id FROM erased_rows WHERE tbl = 'events')
