-- Residents sign in with their mobile number and a one-time code.
-- The number is personal data: stored only encrypted (AES-256-GCM, key derived from the secret key) with an
-- HMAC for lookup and its last four digits for masked display; never in plain text.

CREATE TABLE user_phones (
  user_id         uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  phone_hmac      text NOT NULL,
  phone_enc       text NOT NULL,
  phone_last4     varchar(4) NOT NULL CHECK (phone_last4 ~ '^[0-9]{4}$'),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX user_phones_lookup_key ON user_phones (jurisdiction_id, phone_hmac);

-- One-time codes, stored as an HMAC; a code dies when used, after its expiry, or after too many attempts.
CREATE TABLE phone_codes (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  phone_hmac      text NOT NULL,
  code_hmac       text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  expires_at      timestamptz NOT NULL,
  consumed_at     timestamptz,
  ip              text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX phone_codes_lookup_idx ON phone_codes (jurisdiction_id, phone_hmac, created_at DESC);
