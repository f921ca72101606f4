-- Every stored message's hash, to detect duplicates without a table scan.
SELECT message_hash FROM events
