-- How many events are stored, of every project: the message set's size.
SELECT count(*) FROM events
