-- The periodic report: the complaints received in a period and, by id
-- range (they are consecutive), what the report needs of each.

-- name: report-complaints
SELECT {{complaint-columns}} FROM complaints WHERE received_at >= ? AND received_at < ? ORDER BY id

-- name: report-events
SELECT complaint_id, kind, detail FROM events
	WHERE complaint_id BETWEEN ? AND ? AND kind IN ('delay', 'automatic-delay', 'objection', 'closed') ORDER BY id

-- name: report-outcomes
SELECT complaint_id, outcome FROM complaint_outcome
	WHERE complaint_id BETWEEN ? AND ?

-- name: report-acks
SELECT complaint_id, state, created_at, sent_at FROM outbox
	WHERE kind = ? AND complaint_id BETWEEN ? AND ? ORDER BY id

-- name: report-surveys
SELECT complaint_id, skipped, score FROM surveys
	WHERE complaint_id BETWEEN ? AND ?

-- name: note-outcome
-- How a complaint finished; a later finish replaces it.
INSERT INTO complaint_outcome (complaint_id, outcome, at) VALUES (?, ?, ?)
	ON CONFLICT (complaint_id) DO UPDATE SET outcome = excluded.outcome, at = excluded.at
