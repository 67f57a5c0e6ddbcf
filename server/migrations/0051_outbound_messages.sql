-- Outbound messages (SMS and later other channels). The default notifier only records them here; a real
-- gateway sends them and updates the status. The recipient is kept encrypted plus a masked form for listings.

CREATE TABLE outbound_messages (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id  text NOT NULL REFERENCES jurisdictions (id),
  channel          text NOT NULL CHECK (channel IN ('sms')),
  purpose          text NOT NULL,
  recipient_enc    text NOT NULL,
  recipient_masked text NOT NULL,
  body             text NOT NULL,
  status           text NOT NULL DEFAULT 'recorded' CHECK (status IN ('recorded', 'queued', 'sent', 'failed')),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbound_messages_jurisdiction_idx ON outbound_messages (jurisdiction_id, created_at DESC);
