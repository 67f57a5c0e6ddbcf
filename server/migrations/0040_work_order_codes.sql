-- Human ticket codes for work orders (e.g. CD20261122000123): jurisdiction prefix + the day in Asia/Shanghai +
-- a 6-digit daily sequence. The prefix is a per-jurisdiction setting; the counter row for (jurisdiction, day) is
-- bumped with INSERT … ON CONFLICT DO UPDATE … RETURNING inside the creating transaction, so concurrent creates
-- queue on that one row and never share a number, and a rolled-back create gives its number back.

CREATE TABLE work_order_settings (
  jurisdiction_id text PRIMARY KEY REFERENCES jurisdictions (id),
  ticket_prefix   text NOT NULL CHECK (ticket_prefix ~ '^[A-Z]{1,4}$'),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE work_order_code_counters (
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  day             date NOT NULL,
  last_seq        integer NOT NULL CHECK (last_seq BETWEEN 1 AND 999999),
  PRIMARY KEY (jurisdiction_id, day)
);
