-- "AuditLog" and everything that enforces its rules belong to audit_keeper_owner, a role no one
-- logs in as. Only a member of the owning role can switch the rules off (ALTER TABLE ... DISABLE
-- TRIGGER, DROP TRIGGER, CREATE OR REPLACE FUNCTION). The login that runs these migrations becomes
-- a member; audit-keeper's runtime login need not be one: with migration credentials of their own
-- (quarkus.flyway.username/password) it only writes (audit_keeper_writer) and archives
-- (audit_keeper_retention). Where one login does both, it can still switch the rules off, and
-- audit-keeper says so at start-up and in readiness.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_keeper_owner') THEN
    CREATE ROLE audit_keeper_owner NOLOGIN;
  END IF;
  IF NOT pg_has_role(current_user, 'audit_keeper_owner', 'MEMBER') THEN
    EXECUTE format('GRANT audit_keeper_owner TO %I', current_user);
  END IF;
END $$;

-- A new owner needs CREATE on the object's schema (and the SECURITY DEFINER triggers, which now
-- run as the owner, USAGE). audit_keeper belongs to the migrating login;
-- public to the database owner, who (or an administrator beforehand) grants it.
GRANT USAGE, CREATE ON SCHEMA audit_keeper TO audit_keeper_owner;
DO $$
BEGIN
  IF NOT has_schema_privilege('audit_keeper_owner', 'public', 'CREATE') THEN
    GRANT CREATE ON SCHEMA public TO audit_keeper_owner;
  END IF;
END $$;

ALTER TABLE public."AuditLog" OWNER TO audit_keeper_owner;
ALTER TABLE audit_keeper.chain_head OWNER TO audit_keeper_owner;
ALTER TABLE audit_keeper.archive_checkpoint OWNER TO audit_keeper_owner;
ALTER FUNCTION audit_keeper.row_content(text, text, text, jsonb, timestamptz, text)
  OWNER TO audit_keeper_owner;
ALTER FUNCTION audit_keeper.row_hash(text, text) OWNER TO audit_keeper_owner;
ALTER FUNCTION audit_keeper.chain_row() OWNER TO audit_keeper_owner;
ALTER FUNCTION audit_keeper.store_chain_head() OWNER TO audit_keeper_owner;
ALTER FUNCTION audit_keeper.refuse_change() OWNER TO audit_keeper_owner;
ALTER FUNCTION audit_keeper.check_archived_delete() OWNER TO audit_keeper_owner;

-- The archive writes its tombstone and deletes the archived rows as the retention role, in one
-- transaction; before, the tombstone was written as the table's owner.
GRANT INSERT ON audit_keeper.archive_checkpoint TO audit_keeper_retention;
GRANT USAGE ON SEQUENCE audit_keeper.archive_checkpoint_id_seq TO audit_keeper_retention;

-- The runtime login (the datasource's user) writes and archives; it is given the two roles when
-- it is not the login migrating (and is not a member yet: an administrator may have granted them).
DO $$
DECLARE
  runtime_user text := '${runtime_user}';
BEGIN
  IF runtime_user = '' OR runtime_user = current_user
     OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = runtime_user) THEN
    RETURN;
  END IF;
  IF NOT pg_has_role(runtime_user, 'audit_keeper_writer', 'MEMBER') THEN
    EXECUTE format('GRANT audit_keeper_writer TO %I', runtime_user);
  END IF;
  IF NOT pg_has_role(runtime_user, 'audit_keeper_retention', 'MEMBER') THEN
    EXECUTE format('GRANT audit_keeper_retention TO %I', runtime_user);
  END IF;
END $$;
