-- The whole store of the gateway: every mail in and out, the complaints,
-- their events and the outbox. One migration runs in one transaction.

CREATE TABLE complaints (
    id            INTEGER PRIMARY KEY,
    ref           TEXT NOT NULL UNIQUE,          -- KL-YYYY-NNNN
    token         TEXT NOT NULL UNIQUE,          -- plus-address part of Reply-To
    state         TEXT NOT NULL,                 -- incomplete, open, responded, objection, closed, lapsed
    lang          TEXT NOT NULL DEFAULT 'nl',
    company       TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    availability  TEXT NOT NULL DEFAULT '',
    email         TEXT NOT NULL,
    form_date     TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    refs          TEXT NOT NULL DEFAULT '',      -- newline-separated
    contact       TEXT NOT NULL DEFAULT '',
    handler       TEXT NOT NULL DEFAULT '',      -- handler's address
    received_at   TIMESTAMP NOT NULL,            -- the first mail's arrival
    complete_day  TEXT NOT NULL DEFAULT '',      -- YYYY-MM-DD the complete complaint counts as received
    ack_due       TEXT NOT NULL DEFAULT '',
    term_end      TEXT NOT NULL DEFAULT '',
    delay_latest  TEXT NOT NULL DEFAULT '',
    objection_end TEXT NOT NULL DEFAULT '',
    lapse_day     TEXT NOT NULL DEFAULT '',
    extensions    INTEGER NOT NULL DEFAULT 0,
    responded_day TEXT NOT NULL DEFAULT '',
    closed_day    TEXT NOT NULL DEFAULT '',
    undeliverable INTEGER NOT NULL DEFAULT 0,
    closed_told   INTEGER NOT NULL DEFAULT 0,    -- complainant told once that it is closed
    root_msgid    TEXT NOT NULL DEFAULT '',      -- thread root towards the complainant
    staff_msgid   TEXT NOT NULL DEFAULT '',      -- thread root towards the handler
    problems      TEXT NOT NULL DEFAULT '{}'     -- JSON: field -> reasons, while incomplete
);
CREATE INDEX complaints_state ON complaints(state);
CREATE INDEX complaints_email ON complaints(email);
CREATE INDEX complaints_handler ON complaints(handler, state);

CREATE TABLE ref_seq (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

-- Every mail that reached the intake folder, byte for byte, before anything
-- was done with it.
CREATE TABLE messages (
    id           INTEGER PRIMARY KEY,
    mailbox      TEXT NOT NULL,
    uidvalidity  INTEGER NOT NULL,
    uid          INTEGER NOT NULL,
    message_id   TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL,
    arrived_at   TIMESTAMP NOT NULL,
    raw          BLOB NOT NULL,
    size         INTEGER NOT NULL,
    truncated    INTEGER NOT NULL DEFAULT 0,
    kind         TEXT NOT NULL,
    parse_json   TEXT NOT NULL DEFAULT '{}',
    outcome      TEXT NOT NULL,                  -- processed or quarantined
    note         TEXT NOT NULL DEFAULT '',
    from_addr    TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',
    complaint_id INTEGER REFERENCES complaints(id),
    UNIQUE (mailbox, uidvalidity, uid)
);
CREATE INDEX messages_dedupe ON messages(message_id, content_hash);
CREATE INDEX messages_complaint ON messages(complaint_id);

CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER REFERENCES complaints(id),
    at           TIMESTAMP NOT NULL,
    kind         TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    late         INTEGER NOT NULL DEFAULT 0,
    message_row  INTEGER REFERENCES messages(id)
);
CREATE INDEX events_complaint ON events(complaint_id, at);

-- The transactional outbox. A letter's bytes and Message-ID are fixed when
-- it is queued; event_key makes every letter once per event.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    complaint_id INTEGER REFERENCES complaints(id),
    kind         TEXT NOT NULL,
    event_key    TEXT NOT NULL UNIQUE,
    mail_from    TEXT NOT NULL,
    rcpt         TEXT NOT NULL,                  -- newline-separated
    message_id   TEXT NOT NULL UNIQUE,
    subject      TEXT NOT NULL DEFAULT '',
    raw          BLOB NOT NULL,
    state        TEXT NOT NULL DEFAULT 'queued', -- queued, sent, failed
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TIMESTAMP NOT NULL,
    lease_until  TIMESTAMP,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(state, next_attempt);
CREATE INDEX outbox_complaint ON outbox(complaint_id);
CREATE INDEX outbox_rcpt ON outbox(rcpt, created_at);

CREATE TABLE cursors (
    mailbox     TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL
);

CREATE TABLE intake_status (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    failing_since TIMESTAMP,
    last_ok       TIMESTAMP
);
