-- Addresses besides the complainant's own that may act for a complaint
-- (complete, correct, object): added by a handler with #toevoegen/#adduser
-- (issue 10 item 4). Anyone else's mail in the thread is relayed to the
-- handler as from that person.
CREATE TABLE complaint_addresses (
    complaint_id INTEGER NOT NULL REFERENCES complaints(id),
    email        TEXT NOT NULL,                  -- bare, lower-case
    added_by     TEXT NOT NULL,
    added_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (complaint_id, email)
);
