-- Append-only, hash-chained audit log. Each entry stores the previous entry's hash and its own hash over a
-- canonical encoding (see modules/audit/chain.ts). seq is assigned under a lock without gaps, and
-- audit_head remembers the last entry so that deleting the tail is detected too.

CREATE TABLE audit_log (
  seq             bigint PRIMARY KEY,
  at              timestamptz NOT NULL,
  jurisdiction_id text,
  actor_kind      text NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'system', 'anonymous')),
  actor_id        text,
  actor_name      text,
  action          text NOT NULL,
  object_type     text,
  object_id       text,
  ip              text,
  request_id      text,
  purpose         text,
  details         jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash       text NOT NULL,
  hash            text NOT NULL
);
CREATE INDEX audit_log_jurisdiction_at_idx ON audit_log (jurisdiction_id, at);
-- The auditors' list is newest first within a jurisdiction (keyset on seq).
CREATE INDEX audit_log_jurisdiction_seq_idx ON audit_log (jurisdiction_id, seq);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id);

CREATE TABLE audit_head (
  id   integer PRIMARY KEY CHECK (id = 1),
  seq  bigint NOT NULL,
  hash text NOT NULL
);

-- The application never updates or deletes audit rows; the trigger makes an accident fail loudly.
-- (Someone with owner rights can disable it — that is what the hash chain is for.)
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The head only moves forward: rolling it back (to hide a deleted tail) must also need owner rights.
CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.seq <= OLD.seq THEN
    RAISE EXCEPTION 'audit_head only moves forward' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head
  FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
