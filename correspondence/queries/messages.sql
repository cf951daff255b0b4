-- Mails in: the raw message and its chunks, the parse, the outcome, and
-- the lookups that thread a new mail to a complaint.

-- name: prior-outcome-by-uid
-- Dedupe: the same UID of the same mailbox was handled before.
SELECT outcome FROM messages WHERE mailbox = ? AND uidvalidity = ? AND uid = ?

-- name: prior-outcome-by-content
-- Dedupe after a UIDVALIDITY change: the same Message-ID and bytes.
SELECT outcome FROM messages WHERE message_id = ? AND content_hash = ? LIMIT 1

-- name: insert-message
INSERT INTO messages (mailbox, uidvalidity, uid, message_id, content_hash, arrived_at, raw, size, truncated, kind, parse_json, outcome, from_addr, subject)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'processed', ?, ?)

-- name: insert-message-chunk
-- A mail larger than rawChunk is kept in chunks (migration 0002).
INSERT INTO message_chunks (message_row, seq, data) VALUES (?, ?, ?)

-- name: message-chunks
SELECT data FROM message_chunks WHERE message_row = ? ORDER BY seq

-- name: set-message-outcome
UPDATE messages SET outcome = ?, note = ?, complaint_id = ? WHERE id = ?

-- name: quarantine-message
UPDATE messages SET outcome = 'quarantined', note = ? WHERE id = ?

-- name: duplicate-message
-- An earlier mail with the same Message-ID.
SELECT id, complaint_id, outcome FROM messages WHERE message_id = ? AND id <> ? ORDER BY id LIMIT 1

-- name: complaint-of-message-id
-- Threading by In-Reply-To/References: one of our letters, or a mail
-- already threaded. Both arguments are the same Message-ID.
SELECT complaint_id FROM outbox WHERE message_id = ? AND complaint_id IS NOT NULL
	UNION ALL SELECT complaint_id FROM messages WHERE message_id = ? AND complaint_id IS NOT NULL LIMIT 1

-- name: last-party-messages
-- The newest mails of a complaint but the one being handled (#bezwaar
-- adopts the newest one that is not staff's).
SELECT from_addr, parse_json FROM messages WHERE complaint_id = ? AND id != ? ORDER BY id DESC LIMIT 50
