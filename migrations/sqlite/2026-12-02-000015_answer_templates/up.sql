-- Answer templates: named answer texts of an agency, with placeholders its
-- clerks fill from the letter they answer. A name is the agency's own once.
CREATE TABLE answer_templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies (id),
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (agency_id, name)
);
