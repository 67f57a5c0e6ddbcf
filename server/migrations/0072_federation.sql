-- Cross-jurisdiction transfer (src/modules/federation): a neighbouring jurisdiction's Open311 endpoint (a peer), the
-- orders transferred there, and the remote updates already mirrored into the local timeline.

-- A transferred order is final for local work; the peer's progress is mirrored into its timeline.
ALTER TABLE work_orders DROP CONSTRAINT work_orders_status_check;
ALTER TABLE work_orders ADD CONSTRAINT work_orders_status_check CHECK (status IN ('received', 'accepted', 'answered', 'rejected', 'dispatched', 'signed', 'in_progress', 'reported', 'verified', 'closed', 'rated', 'under_review', 'returned', 'suspended', 'cancelled', 'merged', 'transferred'));

CREATE TABLE federation_peers (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id        text NOT NULL REFERENCES jurisdictions (id),
  name                   text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  -- The peer's GeoReport v2 base, e.g. https://311.example.gov/open311/v2 (requests.json is appended).
  base_url               text NOT NULL CHECK (base_url ~ '^https?://' AND char_length(base_url) <= 500),
  -- jurisdiction_id sent on every call (null: not sent).
  remote_jurisdiction_id text CHECK (char_length(remote_jurisdiction_id) <= 200),
  -- The peer's API key, sealed with the server's SECRET_KEY (AES-256-GCM, as reporters' personal data).
  api_key_enc            text NOT NULL,
  format                 text NOT NULL DEFAULT 'json' CHECK (format IN ('json', 'xml')),
  -- { "our category code or prefix": "their service_code" }: the longest matching prefix wins.
  service_map            jsonb NOT NULL DEFAULT '{}',
  default_service_code   text CHECK (char_length(default_service_code) <= 100),
  -- Whether the reporter's name and phone go with a transfer (off: no personal data leaves).
  send_personal_data     boolean NOT NULL DEFAULT false,
  active                 boolean NOT NULL DEFAULT true,
  -- Polling: servicerequestupdates start_date of the next poll, and the outcome of the last one.
  updates_since          timestamptz,
  last_polled_at         timestamptz,
  last_error             text CHECK (char_length(last_error) <= 1000),
  version                integer NOT NULL DEFAULT 1,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (jurisdiction_id, name)
);

CREATE TABLE federation_transfers (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id  text NOT NULL REFERENCES jurisdictions (id),
  work_order_id    uuid NOT NULL UNIQUE REFERENCES work_orders (id),
  peer_id          uuid NOT NULL REFERENCES federation_peers (id),
  service_code     text NOT NULL,
  -- pending: not yet accepted by the peer; token: the peer answered a token, the id comes later; sent: remote id
  -- known, polled; done: the peer closed it (polling stops); failed: the peer refused it for good (4xx).
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'token', 'sent', 'done', 'failed')),
  -- Sent as Idempotency-Key (and update_id-style marker) so a retried POST never creates a second request.
  idempotency_key  text NOT NULL UNIQUE,
  remote_id        text CHECK (char_length(remote_id) <= 200),
  remote_token     text CHECK (char_length(remote_token) <= 200),
  remote_status    text CHECK (char_length(remote_status) <= 100),
  remote_notes     text,
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text CHECK (char_length(last_error) <= 1000),
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (peer_id, remote_id),
  CHECK ((state IN ('sent', 'done')) <= (remote_id IS NOT NULL)),
  CHECK ((state = 'token') <= (remote_token IS NOT NULL))
);
CREATE INDEX federation_transfers_peer_idx ON federation_transfers (peer_id, state);

-- Remote updates already written to the timeline, by a key that identifies them at the peer (update_id, or the
-- status and its time when a peer has no update ids): polling twice never writes an entry twice.
CREATE TABLE federation_mirrored (
  transfer_id  uuid NOT NULL REFERENCES federation_transfers (id),
  remote_key   text NOT NULL CHECK (char_length(remote_key) <= 300),
  timeline_id  bigint REFERENCES work_order_timeline (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (transfer_id, remote_key)
);
