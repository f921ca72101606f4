-- Saved journey maps: the definition as JSON text, as the API takes it, and
-- when it was last saved (UTC). Saving again replaces the row.
CREATE TABLE journeys (
    project_id VARCHAR NOT NULL,
    id         VARCHAR NOT NULL,
    definition VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, id)
);
