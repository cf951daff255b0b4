-- The tamper-evident ledger (ledger.go; the triggers that note every
-- insert are in migration 0008).

-- name: ledger-content-messages
-- Per record table, the columns that never change after the insert (state,
-- attempts, outcome and notes do change, and are not covered). A stored
-- mail's chunks (message-chunks) are part of its content.
SELECT mailbox, uidvalidity, uid, message_id, arrived_at, size, raw FROM messages WHERE id = ?

-- name: ledger-content-outbox
SELECT complaint_id, kind, event_key, mail_from, rcpt, message_id, subject, created_at, raw FROM outbox WHERE id = ?

-- name: ledger-content-events
SELECT complaint_id, at, kind, detail, late, message_row FROM events WHERE id = ?

-- name: ledger-content-letter-receipts
SELECT outbox_id, server, reply, accepted_at FROM letter_receipts WHERE id = ?

-- name: ledger-content-letter-dsns
SELECT outbox_id, message_row, linked_at FROM letter_dsns WHERE id = ?

-- name: ledger-ids-messages
-- Every row of each record table: each must have a ledger entry.
SELECT id FROM messages ORDER BY id

-- name: ledger-ids-outbox
SELECT id FROM outbox ORDER BY id

-- name: ledger-ids-events
SELECT id FROM events ORDER BY id

-- name: ledger-ids-letter-receipts
SELECT id FROM letter_receipts ORDER BY id

-- name: ledger-ids-letter-dsns
SELECT id FROM letter_dsns ORDER BY id

-- name: ledger-ref-messages
-- The complaint reference of a row the walk reports (no row: it belongs to
-- no complaint).
SELECT c.ref FROM messages x JOIN complaints c ON c.id = x.complaint_id WHERE x.id = ?

-- name: ledger-ref-outbox
SELECT c.ref FROM outbox x JOIN complaints c ON c.id = x.complaint_id WHERE x.id = ?

-- name: ledger-ref-events
SELECT c.ref FROM events x JOIN complaints c ON c.id = x.complaint_id WHERE x.id = ?

-- name: ledger-ref-letter-receipts
SELECT c.ref FROM letter_receipts x JOIN outbox o ON o.id = x.outbox_id JOIN complaints c ON c.id = o.complaint_id WHERE x.id = ?

-- name: ledger-ref-letter-dsns
SELECT c.ref FROM letter_dsns x JOIN outbox o ON o.id = x.outbox_id JOIN complaints c ON c.id = o.complaint_id WHERE x.id = ?

-- name: ledger-unsealed
-- Entries the triggers noted and no seal has hashed yet; LIMIT -1 is all.
SELECT seq, tbl, row_id FROM ledger WHERE chain_hash IS NULL ORDER BY seq LIMIT ?

-- name: ledger-head-before
SELECT chain_hash FROM ledger WHERE chain_hash IS NOT NULL AND seq < ? ORDER BY seq DESC LIMIT 1

-- name: ledger-seal
UPDATE ledger SET content_hash = ?, chain_hash = ? WHERE seq = ?

-- name: ledger-entries
SELECT seq, tbl, row_id, content_hash, chain_hash FROM ledger ORDER BY seq

-- name: erased-rows
SELECT tbl, row_id, erased_hash, event FROM erased_rows

-- name: erasure-events
SELECT id FROM events WHERE kind = 'erased'

-- name: ledger-head
SELECT chain_hash FROM ledger WHERE chain_hash IS NOT NULL ORDER BY seq DESC LIMIT 1

-- name: ledger-seq-of-hash
SELECT seq FROM ledger WHERE chain_hash = ?

-- name: begin-snapshot
-- The walk's read transaction: a deferred BEGIN takes no lock, so the
-- daemon's writers are not held up while the walk sees one snapshot.
BEGIN DEFERRED

-- name: end-snapshot
ROLLBACK
