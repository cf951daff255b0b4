-- The complaints table and what hangs directly off a complaint: its
-- reference sequence, handler, category and the addresses that may speak
-- for the complainant.

-- name: complaint-columns
-- Every column of complaints, in table order: the fragment each query that
-- scans a Complaint inserts (TestComplaintColumns keeps it equal to the
-- table and to the struct).
id, ref, token, state, lang, company, address, name, phone, availability, email, form_date,
	description, refs, contact, handler, received_at, complete_day, ack_due, term_end, delay_latest,
	objection_end, lapse_day, extensions, responded_day, closed_day, undeliverable, closed_told,
	root_msgid, staff_msgid, problems

-- name: complaint-by-id
SELECT {{complaint-columns}} FROM complaints WHERE id = ?

-- name: complaint-by-ref
SELECT {{complaint-columns}} FROM complaints WHERE ref = ?

-- name: complaint-by-token
SELECT {{complaint-columns}} FROM complaints WHERE token = ?

-- name: latest-complaint-of
-- The newest complaint of a complainant's address (a bounce's recipient).
SELECT {{complaint-columns}} FROM complaints WHERE email = ? ORDER BY id DESC LIMIT 1

-- name: complaints-of-since
-- A complainant's complaints received since an instant (double submit).
SELECT {{complaint-columns}} FROM complaints WHERE email = ? AND received_at >= ? ORDER BY id

-- name: complaints-of-person
-- Every complaint of an address, case-insensitive (erasure on request).
SELECT {{complaint-columns}} FROM complaints WHERE lower(email) = lower(?) ORDER BY id

-- name: complaints-all
-- klachtd list without a filter. List picks one of the three list queries;
-- a state filter goes to SQLite so the state index reads the few running
-- complaints instead of a decade's.
SELECT {{complaint-columns}} FROM complaints ORDER BY id

-- name: complaints-open
-- klachtd list --due-within N: open ones only.
SELECT {{complaint-columns}} FROM complaints WHERE state = 'open' ORDER BY id

-- name: complaints-in-state
-- klachtd list --state S.
SELECT {{complaint-columns}} FROM complaints WHERE state = ? ORDER BY id

-- name: complaints-running
-- The scheduler's walk: complaints whose procedure has terms running, only
-- the columns that say whether anything can be due (Gateway.mayBeDue); the
-- few that can are read whole by id. Every column of every running
-- complaint was 80% of a pass.
SELECT id, state, term_end, delay_latest, objection_end, lapse_day FROM complaints WHERE state IN ('incomplete', 'open', 'responded') ORDER BY id

-- name: insert-complaint
INSERT INTO complaints (ref, token, state, lang, email, received_at, handler)
	VALUES (:ref, :token, :state, :lang, :email, :received_at, :handler)

-- name: save-complaint
-- Every column but id, ref, token and received_at, which never change.
UPDATE complaints SET state=:state, lang=:lang, company=:company, address=:address,
	name=:name, phone=:phone, availability=:availability, email=:email, form_date=:form_date,
	description=:description, refs=:refs, contact=:contact, handler=:handler, complete_day=:complete_day,
	ack_due=:ack_due, term_end=:term_end, delay_latest=:delay_latest, objection_end=:objection_end,
	lapse_day=:lapse_day, extensions=:extensions, responded_day=:responded_day, closed_day=:closed_day,
	undeliverable=:undeliverable, closed_told=:closed_told, root_msgid=:root_msgid, staff_msgid=:staff_msgid,
	problems=:problems
	WHERE id=:id

-- name: ref-seq-last
SELECT last FROM ref_seq WHERE year = ?

-- name: ref-seq-set
INSERT INTO ref_seq(year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = excluded.last

-- name: handler-loads
-- Running complaints per handler. The running states named (not NOT IN the
-- finished ones): the state index then reads the running complaints, not a
-- decade of closed ones.
SELECT handler, count(*) AS n FROM complaints WHERE state IN ('incomplete', 'open', 'responded', 'objection') GROUP BY handler

-- name: set-category
INSERT INTO complaint_category (complaint_id, category, set_at) VALUES (?, ?, ?)
	ON CONFLICT (complaint_id) DO UPDATE SET category = excluded.category, set_at = excluded.set_at

-- name: category-of-ref
SELECT cc.category FROM complaint_category cc JOIN complaints c ON c.id = cc.complaint_id WHERE c.ref = ?

-- name: categories
SELECT complaint_id, category FROM complaint_category

-- name: count-complaint-address
SELECT count(*) FROM complaint_addresses WHERE complaint_id = ? AND email = ?

-- name: add-complaint-address
INSERT INTO complaint_addresses (complaint_id, email, added_by, added_at) VALUES (?, ?, ?, ?)
	ON CONFLICT(complaint_id, email) DO NOTHING

-- ListPage (list_page.go): the count of the matches and one page of them,
-- with only the columns a list line shows (a decade's store holds a
-- hundred thousand complaints; reading them all took seconds).

-- name: list-count-all
SELECT count(*) FROM complaints

-- name: list-count-of-state
SELECT count(*) FROM complaints WHERE state = ?

-- name: list-page-all
SELECT ref, company, state, handler, term_end FROM complaints ORDER BY id LIMIT ? OFFSET ?

-- name: list-page-of-state
SELECT ref, company, state, handler, term_end FROM complaints WHERE state = ? ORDER BY id LIMIT ? OFFSET ?

-- name: list-open
SELECT ref, company, state, handler, term_end FROM complaints WHERE state = 'open' ORDER BY id
