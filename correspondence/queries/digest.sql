-- The management digest (daily, weekly) and the weekly trend chart.

-- name: digest-complaints
-- Only the complaints the digest can count: still running, or received,
-- responded to or closed since from (a day's margin on the timestamp; the
-- Go loop decides). A decade of finished ones is not read: one indexed
-- SELECT per condition (an OR of them plans as a full scan).
-- Arguments: received since, responded since (day), closed since (day).
SELECT {{complaint-columns}} FROM complaints WHERE id IN (
	SELECT id FROM complaints WHERE state IN ('incomplete', 'open', 'responded', 'objection')
	UNION ALL SELECT id FROM complaints WHERE received_at >= ?
	UNION ALL SELECT id FROM complaints WHERE responded_day >= ?
	UNION ALL SELECT id FROM complaints WHERE closed_day >= ?)
	ORDER BY id

-- name: digest-objections
SELECT complaint_id, at, kind, detail FROM events
	WHERE kind IN ('objection', 'meeting') AND complaint_id IS NOT NULL AND at <= ? ORDER BY at, id

-- name: digest-events
SELECT c.ref, c.id AS cid, e.at, e.kind, e.detail FROM events e JOIN complaints c ON c.id = e.complaint_id
	WHERE e.kind IN ('delay', 'meeting', 'objection', 'objection-late', 'command-refused') AND e.at >= ? AND e.at <= ? ORDER BY e.at

-- name: digest-acks
-- Acknowledgements sent in the period, with the day they were due.
SELECT c.ref, c.ack_due, o.sent_at FROM outbox o JOIN complaints c ON c.id = o.complaint_id
	WHERE o.kind = 'acknowledgement' AND o.state = 'sent' AND o.sent_at >= ?

-- name: digest-failed
SELECT kind, rcpt, last_error FROM outbox WHERE state = 'failed' AND created_at >= ?

-- name: intake-failing-since
-- No row: intake never reported.
SELECT failing_since FROM intake_status WHERE id = 1

-- name: last-digest-at
SELECT created_at FROM outbox WHERE kind = 'digest' ORDER BY id DESC LIMIT 1

-- name: trend-complaints
SELECT received_at, responded_day, term_end FROM complaints
	WHERE received_at >= ? OR responded_day >= ?
