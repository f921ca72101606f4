-- Ad spend: what was spent on a value of a field, such as a campaign
-- (utm_campaign) or an ad (utm_content), on a day (UTC). Importing a row
-- replaces the one of the same field, value and day. IF NOT EXISTS: tests
-- that undo later migrations to rebuild an old database keep this table.
CREATE TABLE IF NOT EXISTS spend (
    project_id VARCHAR NOT NULL,
    field      VARCHAR NOT NULL,
    value      VARCHAR NOT NULL,
    day        DATE NOT NULL,
    amount     DOUBLE NOT NULL,
    PRIMARY KEY (project_id, field, value, day)
);
