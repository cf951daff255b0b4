-- The satisfaction question after a complaint is closed.

-- name: surveys-due
-- Closed complaints not asked yet; the Go loop checks the window.
SELECT {{complaint-columns}} FROM complaints WHERE state = 'closed' AND closed_day != ''
	AND id NOT IN (SELECT complaint_id FROM surveys) ORDER BY id

-- name: insert-survey
INSERT INTO surveys (complaint_id, sent_at, skipped) VALUES (?, ?, ?)

-- name: survey-of
SELECT skipped, score FROM surveys WHERE complaint_id = ?

-- name: count-survey-letters
-- Whether a Message-ID the reply refers to is the complaint's question.
SELECT count(*) FROM outbox WHERE message_id = ? AND complaint_id = ? AND kind = ?

-- name: answer-survey
UPDATE surveys SET score = ?, answered_at = ? WHERE complaint_id = ?
