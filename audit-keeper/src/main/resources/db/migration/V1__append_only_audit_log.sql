-- The app's "AuditLog" with the runbook's columns (steps 1, 2 and 4 work unchanged on it), plus a
-- gap-free sequence and a hash chain kept by the database itself, and append-only enforcement.
-- Flyway runs with audit_keeper as its default schema, so public objects are qualified.

CREATE TABLE public."AuditLog" (
    "id"         text        PRIMARY KEY DEFAULT gen_random_uuid()::text,
    "userId"     text,
    "action"     text        NOT NULL,
    "details"    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    "timestamp"  timestamptz NOT NULL DEFAULT now(),
    "ipAddress"  text,
    "seq"        bigint      NOT NULL,
    "prevHash"   text        NOT NULL,
    "hash"       text        NOT NULL,
    "recordedAt" timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "AuditLog_seq_key" ON public."AuditLog" ("seq");
CREATE INDEX "AuditLog_timestamp_idx" ON public."AuditLog" ("timestamp");
CREATE INDEX "AuditLog_userId_idx" ON public."AuditLog" ("userId");
CREATE INDEX "AuditLog_action_idx" ON public."AuditLog" ("action");

-- The head of the chain: the last sequence number handed out and its hash. One row.
CREATE TABLE audit_keeper.chain_head (
    id        int    PRIMARY KEY CHECK (id = 1),
    last_seq  bigint NOT NULL,
    last_hash text   NOT NULL
);
INSERT INTO audit_keeper.chain_head VALUES (1, 0, repeat('0', 64));

-- Tombstones: each archived and deleted range of the chain, written in the delete's transaction.
CREATE TABLE audit_keeper.archive_checkpoint (
    id              bigserial   PRIMARY KEY,
    first_seq       bigint      NOT NULL,
    last_seq        bigint      NOT NULL,
    row_count       bigint      NOT NULL,
    first_prev_hash text        NOT NULL,
    last_hash       text        NOT NULL,
    file_name       text        NOT NULL,
    file_sha256     text        NOT NULL,
    cutoff          timestamptz NOT NULL,
    archived_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (first_seq),
    UNIQUE (last_seq)
);

-- What a row's hash covers (besides the previous row's hash): every column a reader relies on.
-- The sequence number is left out on purpose, so a moved row shows as a broken link.
CREATE FUNCTION audit_keeper.row_content(p_id text, p_user text, p_action text, p_details jsonb,
                                         p_ts timestamptz, p_ip text)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array(p_id, p_user, p_action, p_details,
           to_char(p_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), p_ip)::text
$$;

CREATE FUNCTION audit_keeper.row_hash(p_content text, p_prev_hash text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(p_content || p_prev_hash, 'UTF8')), 'hex')
$$;

-- Every insert, whoever makes it (audit-keeper, or a person running the runbook's step 1), gets
-- the next sequence number and its link in the chain. The chain head row is locked FOR UPDATE by
-- the first row of a transaction, which serialises writers; within a statement the head is kept
-- in a transaction-local setting and written back once per statement.
CREATE FUNCTION audit_keeper.chain_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = audit_keeper, pg_temp AS $$
DECLARE
  cached text := current_setting('audit_keeper.head', true);
  v_seq  bigint;
  v_hash text;
BEGIN
  IF cached IS NULL OR cached = '' THEN
    SELECT h.last_seq, h.last_hash INTO v_seq, v_hash
      FROM audit_keeper.chain_head h WHERE h.id = 1 FOR UPDATE;
  ELSE
    v_seq := split_part(cached, ':', 1)::bigint;
    v_hash := split_part(cached, ':', 2);
  END IF;
  NEW."details" := coalesce(NEW."details", '{}'::jsonb);
  NEW."timestamp" := coalesce(NEW."timestamp", now());
  NEW."recordedAt" := now();
  NEW."seq" := v_seq + 1;
  NEW."prevHash" := v_hash;
  NEW."hash" := audit_keeper.row_hash(
      audit_keeper.row_content(NEW."id", NEW."userId", NEW."action", NEW."details",
                               NEW."timestamp", NEW."ipAddress"), v_hash);
  PERFORM set_config('audit_keeper.head', NEW."seq" || ':' || NEW."hash", true);
  RETURN NEW;
END $$;

CREATE FUNCTION audit_keeper.store_chain_head() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = audit_keeper, pg_temp AS $$
DECLARE
  cached text := current_setting('audit_keeper.head', true);
BEGIN
  IF cached IS NOT NULL AND cached <> '' THEN
    UPDATE audit_keeper.chain_head
       SET last_seq = split_part(cached, ':', 1)::bigint, last_hash = split_part(cached, ':', 2)
     WHERE id = 1;
    PERFORM set_config('audit_keeper.head', '', true);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "AuditLog_chain" BEFORE INSERT ON public."AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_keeper.chain_row();
CREATE TRIGGER "AuditLog_chain_head" AFTER INSERT ON public."AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_keeper.store_chain_head();

-- Append-only: no UPDATE for anyone; DELETE only by the retention role and only of rows an
-- archive checkpoint (tombstone) in the same transaction covers; no TRUNCATE.
CREATE FUNCTION audit_keeper.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_user = 'audit_keeper_retention' THEN
    IF EXISTS (SELECT 1 FROM audit_keeper.archive_checkpoint c
                WHERE OLD."seq" BETWEEN c.first_seq AND c.last_seq) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION '"AuditLog" row % is not covered by an archive checkpoint', OLD."seq"
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION '"AuditLog" is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER "AuditLog_append_only" BEFORE UPDATE OR DELETE ON public."AuditLog"
  FOR EACH ROW EXECUTE FUNCTION audit_keeper.refuse_change();
CREATE TRIGGER "AuditLog_no_truncate" BEFORE TRUNCATE ON public."AuditLog"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_keeper.refuse_change();

-- Roles: writers (the app, the services' database user) may INSERT and SELECT; the retention
-- role may also DELETE (within the trigger's limits). The user running the migrations (the one
-- audit-keeper connects as) becomes a member of both.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_keeper_writer') THEN
    CREATE ROLE audit_keeper_writer NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'audit_keeper_retention') THEN
    CREATE ROLE audit_keeper_retention NOLOGIN;
  END IF;
END $$;

REVOKE ALL ON public."AuditLog" FROM PUBLIC;
GRANT SELECT, INSERT ON public."AuditLog" TO audit_keeper_writer;
GRANT SELECT, DELETE ON public."AuditLog" TO audit_keeper_retention;
GRANT USAGE ON SCHEMA audit_keeper TO audit_keeper_writer, audit_keeper_retention;
GRANT SELECT ON audit_keeper.chain_head, audit_keeper.archive_checkpoint
  TO audit_keeper_writer, audit_keeper_retention;

DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'audit_keeper_retention', 'MEMBER') THEN
    EXECUTE format('GRANT audit_keeper_retention TO %I', current_user);
  END IF;
  IF NOT pg_has_role(current_user, 'audit_keeper_writer', 'MEMBER') THEN
    EXECUTE format('GRANT audit_keeper_writer TO %I', current_user);
  END IF;
END $$;
