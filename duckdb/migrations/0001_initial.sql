-- Projects own the keys: a write key only sends events, a read key only queries.
CREATE TABLE projects (
    id         VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL,
    write_key  VARCHAR NOT NULL UNIQUE,
    read_key   VARCHAR NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- One row per accepted message. Typed columns are what reports read; the JSON-text
-- columns keep the message whole for export and for ad-hoc property filters.
-- Timestamps are UTC. message_hash lets the writer find duplicates without
-- scanning message_id strings. seq is the order of storage, which identity
-- merges and "latest trait wins" follow, and which export keeps.
CREATE TABLE events (
    seq                BIGINT NOT NULL,
    project_id         VARCHAR NOT NULL,
    message_id         VARCHAR NOT NULL,
    message_hash       BIGINT NOT NULL,
    type               VARCHAR NOT NULL,
    name               VARCHAR,
    distinct_id        VARCHAR NOT NULL,
    user_id            VARCHAR,
    anonymous_id       VARCHAR,
    group_id           VARCHAR,
    previous_id        VARCHAR,
    timestamp          TIMESTAMP NOT NULL,
    original_timestamp TIMESTAMP,
    sent_at            TIMESTAMP,
    received_at        TIMESTAMP NOT NULL,
    url                VARCHAR,
    host               VARCHAR,
    path               VARCHAR,
    title              VARCHAR,
    referrer           VARCHAR,
    referrer_host      VARCHAR,
    utm_source         VARCHAR,
    utm_medium         VARCHAR,
    utm_campaign       VARCHAR,
    utm_term           VARCHAR,
    utm_content        VARCHAR,
    click_id           VARCHAR,
    channel            VARCHAR,
    browser            VARCHAR,
    browser_version    VARCHAR,
    os                 VARCHAR,
    os_version         VARCHAR,
    device_type        VARCHAR,
    ip                 VARCHAR,
    country            VARCHAR,
    region             VARCHAR,
    city               VARCHAR,
    revenue            DOUBLE,
    currency           VARCHAR,
    properties         VARCHAR,
    traits             VARCHAR,
    context            VARCHAR,
    integrations       VARCHAR
);

-- The identity table: distinct ids merged into a person. An id without a row
-- is its own person, so anonymous visitors cost nothing here. Queries join on
-- it, which makes merges retroactive.
CREATE TABLE identities (
    project_id  VARCHAR NOT NULL,
    distinct_id VARCHAR NOT NULL,
    person_id   VARCHAR NOT NULL,
    is_user     BOOLEAN NOT NULL,
    PRIMARY KEY (project_id, distinct_id)
);

-- Dead letters: messages that failed validation, with the reason.
CREATE TABLE rejected (
    project_id  VARCHAR NOT NULL,
    message_id  VARCHAR,
    reason      VARCHAR NOT NULL,
    payload     VARCHAR NOT NULL,
    received_at TIMESTAMP NOT NULL
);
