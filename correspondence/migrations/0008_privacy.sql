-- Privacy and the legal record (issue 15): legal holds and erasures, the
-- proof that each letter was accepted, DSNs linked to their letters, and
-- the ledger that chains a hash of every stored mail, letter and event.
-- New tables only: complaints is read with SELECT *, so it gets no column.

-- One row per complaint that was held or erased.
CREATE TABLE complaint_privacy (
    complaint_id INTEGER PRIMARY KEY REFERENCES complaints(id),
    hold_reason  TEXT NOT NULL DEFAULT '',       -- non-empty while held
    hold_by      TEXT NOT NULL DEFAULT '',
    hold_at      TIMESTAMP,
    erased_at    TIMESTAMP,                      -- set once the personal data is gone
    erased_why   TEXT NOT NULL DEFAULT ''        -- retention or request
);

-- The SMTP server's final reply to DATA, per accepted letter.
CREATE TABLE letter_receipts (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES outbox(id),
    server      TEXT NOT NULL,
    reply       TEXT NOT NULL,
    accepted_at TIMESTAMP NOT NULL
);
CREATE INDEX letter_receipts_outbox ON letter_receipts(outbox_id);

-- A delivery status notification that came back, and the letter it names.
CREATE TABLE letter_dsns (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES outbox(id),
    message_row INTEGER NOT NULL REFERENCES messages(id),
    linked_at   TIMESTAMP NOT NULL,
    UNIQUE (outbox_id, message_row)
);

-- The ledger: one entry per row of the record tables, in insertion order.
-- The triggers only note the row; Store.tx seals the new entries (content
-- hash of the row, chained to the entry before) in the same transaction,
-- so no insert anywhere in the code needs to know about the ledger.
CREATE TABLE ledger (
    seq          INTEGER PRIMARY KEY,
    tbl          TEXT NOT NULL,
    row_id       INTEGER NOT NULL,
    content_hash TEXT,                           -- NULL until sealed
    chain_hash   TEXT,                           -- sha256(previous chain_hash, tbl, row_id, content_hash)
    UNIQUE (tbl, row_id)
);
CREATE INDEX ledger_unsealed ON ledger(seq) WHERE chain_hash IS NULL;

-- Rows whose personal content an erasure removed: their ledger hash no
-- longer matches, by design. erased_hash is the content after the erasure,
-- so a change made to an erased row later is still found; event is the
-- 'erased' event (itself in the ledger) that did it.
CREATE TABLE erased_rows (
    tbl         TEXT NOT NULL,
    row_id      INTEGER NOT NULL,
    erased_hash TEXT NOT NULL,
    event       INTEGER NOT NULL REFERENCES events(id),
    PRIMARY KEY (tbl, row_id)
);

CREATE TRIGGER ledger_messages AFTER INSERT ON messages BEGIN INSERT INTO ledger(tbl, row_id) VALUES ('messages', NEW.id); END;
CREATE TRIGGER ledger_outbox AFTER INSERT ON outbox BEGIN INSERT INTO ledger(tbl, row_id) VALUES ('outbox', NEW.id); END;
CREATE TRIGGER ledger_events AFTER INSERT ON events BEGIN INSERT INTO ledger(tbl, row_id) VALUES ('events', NEW.id); END;
CREATE TRIGGER ledger_receipts AFTER INSERT ON letter_receipts BEGIN INSERT INTO ledger(tbl, row_id) VALUES ('letter_receipts', NEW.id); END;
CREATE TRIGGER ledger_dsns AFTER INSERT ON letter_dsns BEGIN INSERT INTO ledger(tbl, row_id) VALUES ('letter_dsns', NEW.id); END;

-- What was stored before this migration enters the ledger now, sealed by
-- the first transaction after it.
INSERT INTO ledger(tbl, row_id) SELECT 'messages', id FROM messages ORDER BY id;
INSERT INTO ledger(tbl, row_id) SELECT 'outbox', id FROM outbox ORDER BY id;
INSERT INTO ledger(tbl, row_id) SELECT 'events', id FROM events ORDER BY id;
