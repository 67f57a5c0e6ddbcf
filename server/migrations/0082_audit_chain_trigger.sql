-- The chainer fills seq, prev_hash and hash of every audit entry once, and the append-only trigger called its
-- PL/pgSQL function for each of those updates only to let it through (about 3 µs of the roughly 30 µs PostgreSQL
-- spends on a chained row). The same rule as the trigger's WHEN condition is evaluated by the executor without a
-- function call: the function now runs only to refuse, exactly when it refused before (the condition cannot be NULL).
-- A WHEN condition cannot use NEW in a DELETE trigger, so DELETE gets its own trigger, which always refuses; TRUNCATE
-- keeps audit_log_no_truncate. Everything else about audit_log and audit_head is unchanged.
DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
  FOR EACH ROW
  WHEN (NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL
             AND ROW(NEW.id, NEW.at, NEW.jurisdiction_id, NEW.actor_kind, NEW.actor_id, NEW.actor_name, NEW.action,
                     NEW.object_type, NEW.object_id, NEW.ip, NEW.request_id, NEW.purpose, NEW.details)
                 IS NOT DISTINCT FROM
                 ROW(OLD.id, OLD.at, OLD.jurisdiction_id, OLD.actor_kind, OLD.actor_id, OLD.actor_name, OLD.action,
                     OLD.object_type, OLD.object_id, OLD.ip, OLD.request_id, OLD.purpose, OLD.details)))
  EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
