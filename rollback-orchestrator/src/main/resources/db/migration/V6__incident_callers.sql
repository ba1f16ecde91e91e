-- Who delivered each incident step and who opened each incident, by the token they presented (not
-- by what a request body says). Rows from before stay NULL: nobody can say now who sent them.
ALTER TABLE incident ADD COLUMN opened_by text;
ALTER TABLE incident_step ADD COLUMN received_from text;
