-- Indexes for a store that has grown to a decade of complaints (issue 17,
-- "cost as the store grows"): without them the digest reads every event and
-- every sent letter of ten years, and finds the period's complaints by
-- reading them all.

-- The digest's delays, meetings and objections of the period.
CREATE INDEX events_kind_at ON events(kind, at);
-- The digest's late acknowledgements of the period.
CREATE INDEX outbox_kind_sent ON outbox(kind, state, sent_at);
-- The digest's complaints received, responded to or closed in the period
-- (the finished ones before it are not read).
CREATE INDEX complaints_received ON complaints(received_at);
CREATE INDEX complaints_responded_day ON complaints(responded_day);
CREATE INDEX complaints_closed_day ON complaints(closed_day);
