-- What klachtd show, the mbox export, the dossier sent with an objection
-- and the complete record (klachtd record, the person export) read of a
-- complaint.

-- name: timeline-mails
SELECT id, arrived_at, kind, from_addr, subject, raw FROM messages WHERE complaint_id = ? ORDER BY id

-- name: letters-of-complaint
SELECT id, created_at, sent_at, kind, rcpt, subject, state, raw FROM outbox WHERE complaint_id = ? ORDER BY id

-- name: timeline-events
SELECT id, at, kind, detail, late FROM events WHERE complaint_id = ? AND kind != 'letter-queued' ORDER BY id

-- name: dossier-mails
-- The dossier's mails: the complaint's and the one being handled (not yet
-- linked to it).
SELECT id, arrived_at, from_addr, raw FROM messages WHERE complaint_id = ? OR id = ? ORDER BY id

-- name: delays-of-complaint
SELECT at, detail FROM events WHERE complaint_id = ? AND kind = 'delay' ORDER BY id

-- name: record-events
SELECT at, kind, detail, late FROM events WHERE complaint_id = ? AND kind != 'letter-queued' ORDER BY at, id

-- name: record-mails-in
-- The complete record reads mails in and letters out of one complaint, or
-- (the loose pair below) those of a person tied to no complaint; mailsWhere
-- takes either pair.
SELECT id, arrived_at, kind, from_addr, subject, message_id, raw, size FROM messages WHERE complaint_id = ? ORDER BY id

-- name: record-letters
SELECT id, created_at, sent_at, kind, mail_from, rcpt, subject, message_id, state, last_error, raw FROM outbox WHERE complaint_id = ? ORDER BY id

-- name: record-loose-mails-in
SELECT id, arrived_at, kind, from_addr, subject, message_id, raw, size FROM messages WHERE complaint_id IS NULL AND lower(from_addr) = lower(?) ORDER BY id

-- name: record-loose-letters
SELECT id, created_at, sent_at, kind, mail_from, rcpt, subject, message_id, state, last_error, raw FROM outbox WHERE complaint_id IS NULL AND lower(rcpt) = lower(?) ORDER BY id

-- name: dsn-letters-of-message
SELECT outbox_id FROM letter_dsns WHERE message_row = ? ORDER BY outbox_id

-- name: receipts-of-letter
SELECT server, reply, accepted_at FROM letter_receipts WHERE outbox_id = ? ORDER BY id

-- name: dsns-of-letter
SELECT message_row FROM letter_dsns WHERE outbox_id = ? ORDER BY message_row
