-- Management's figures (issue 16). Both tables hold no personal data, so
-- the retention erasure leaves them as they are: the yearly report of an
-- erased complaint still counts its category and its satisfaction score.

-- The category a handler gave a complaint with #categorie (the last one
-- given counts; the history is in the events).
CREATE TABLE complaint_category (
    complaint_id INTEGER PRIMARY KEY REFERENCES complaints(id),
    category     TEXT NOT NULL,
    set_at       TIMESTAMP NOT NULL
);
CREATE INDEX complaint_category_name ON complaint_category(category);

-- The satisfaction question (ISO 10002), one per complaint: when it was
-- sent and the score (1-5) its reply gave. The reply's text stays in
-- messages, where the erasure finds it.
CREATE TABLE surveys (
    complaint_id INTEGER PRIMARY KEY REFERENCES complaints(id),
    sent_at      TIMESTAMP NOT NULL,
    skipped      TEXT NOT NULL DEFAULT '',       -- why no letter went (bounced, no mail wanted)
    score        INTEGER NOT NULL DEFAULT 0,     -- 0: no answer (yet)
    answered_at  TIMESTAMP
);

-- How a finished complaint ended, written with its finishing event: the
-- event's text is erased with the personal data, this code is not.
CREATE TABLE complaint_outcome (
    complaint_id INTEGER PRIMARY KEY REFERENCES complaints(id),
    outcome      TEXT NOT NULL,                  -- withdrawn, resolved, unresolved, closed, lapsed
    at           TIMESTAMP NOT NULL
);
