-- The timeline: one row per thing that happened to a complaint (or to no
-- complaint: complaint_id NULL).

-- name: insert-event
INSERT INTO events (complaint_id, at, kind, detail, late, message_row) VALUES (?, ?, ?, ?, ?, ?)

-- name: count-events-of-kind
-- How often something happened to a complaint (meetings, objections,
-- machine mails).
SELECT count(*) FROM events WHERE complaint_id = ? AND kind = ?

-- name: count-quick-replies
-- Earlier quick answers with the same fingerprint (detail).
SELECT count(*) FROM events WHERE complaint_id = ? AND kind = 'quick-reply' AND detail = ?

-- name: latest-meeting
-- The newest meeting set with #gesprek (detail starts "2006-01-02 15:04").
SELECT detail FROM events WHERE complaint_id = ? AND kind = 'meeting' ORDER BY id DESC LIMIT 1

-- name: count-date-assumed
-- Whether the form's date (the argument) was assumed at intake.
SELECT count(*) FROM events WHERE complaint_id = ? AND kind = 'date-assumed' AND instr(detail, ?) > 0

-- name: last-complete-at
SELECT at FROM events WHERE complaint_id = ? AND kind = 'complete' ORDER BY id DESC LIMIT 1

-- name: count-no-mail-events
-- Bounces and requests for no mail. The kinds are a list (noMailEvents):
-- the IN (?) is expanded by sqlx.In to one placeholder per kind.
SELECT count(*) FROM events WHERE complaint_id = ? AND kind IN (?)

-- name: digest-schedule-from
-- Since when digests are due: the first scheduler run on this database.
SELECT at FROM events WHERE kind = 'digest-schedule' AND complaint_id IS NULL ORDER BY id LIMIT 1

-- name: completion-texts
-- What the complainant wrote besides the fields in the replies that
-- completed her complaint (completion_text.go), for the new-complaint letter.
SELECT detail FROM events WHERE complaint_id = ? AND kind = 'completion-text' ORDER BY id

-- name: corrections-of-complaint
-- Every correction of a complaint's fields, in order: the dossier shows
-- them and reads the fields as received back from them.
SELECT at, detail FROM events WHERE complaint_id = ? AND kind = 'corrected' ORDER BY id
