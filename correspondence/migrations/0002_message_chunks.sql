-- Large mails are stored in chunks: SQLite copies a blob whole (to bind it
-- and again to build the row), so a 25 MB mail in one row would cost its
-- size several times over in memory. Rows of messages with chunks have an
-- empty raw column; the chunks, in seq order, are the mail byte for byte.
CREATE TABLE message_chunks (
    message_row INTEGER NOT NULL REFERENCES messages(id),
    seq         INTEGER NOT NULL,
    data        BLOB NOT NULL,
    PRIMARY KEY (message_row, seq)
);
