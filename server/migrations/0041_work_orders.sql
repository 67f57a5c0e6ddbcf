-- Work orders (工单) and their timeline. Status, flags and counters mirror the pure lifecycle
-- (src/modules/work-orders/lifecycle.ts); `version` is bumped by every change so that two concurrent transitions
-- cannot both win (UPDATE … WHERE id = $1 AND version = $2). The reporter's name and phone are personal data:
-- stored sealed (AES-256-GCM, key derived from the secret key) with the phone's last four digits for tracking.

CREATE TABLE work_orders (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id      text NOT NULL REFERENCES jurisdictions (id),
  code                 text NOT NULL CHECK (code ~ '^[A-Z]{1,4}[0-9]{14}$'),
  channel              text NOT NULL CHECK (channel IN ('web', 'mobile', 'hotline', 'inspector', 'sensor', 'open311', 'sms', 'wechat', 'api', 'import')),
  request_type         text NOT NULL CHECK (request_type IN ('enquiry', 'help', 'complaint', 'report', 'suggestion', 'component', 'event')),
  category_code        text,
  title                text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  description          text NOT NULL CHECK (char_length(description) <= 4000),
  location             geometry(Point, 4326),
  address              text CHECK (char_length(address) <= 500),
  grid_code            text,
  district_code        varchar(12),
  reporter_name_enc    text,
  reporter_phone_enc   text,
  reporter_phone_last4 varchar(4) CHECK (reporter_phone_last4 ~ '^[0-9]{4}$'),
  anonymous            boolean NOT NULL DEFAULT false,
  urgency              text NOT NULL CHECK (urgency IN ('emergency', 'urgent', 'normal', 'complex')),
  status               text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'accepted', 'answered', 'rejected', 'dispatched', 'signed', 'in_progress', 'reported', 'verified', 'closed', 'rated', 'under_review', 'returned', 'suspended', 'cancelled', 'merged')),
  department_id        uuid REFERENCES departments (id),
  suspended_from       text CHECK (suspended_from IN ('dispatched', 'signed', 'in_progress')),
  supervised           boolean NOT NULL DEFAULT false,
  extension            jsonb,
  rating               text CHECK (rating IN ('satisfied', 'basically', 'unsatisfied')),
  rework_count         integer NOT NULL DEFAULT 0,
  return_count         integer NOT NULL DEFAULT 0,
  reopen_count         integer NOT NULL DEFAULT 0,
  parent_id            uuid REFERENCES work_orders (id),
  sla_started_at       timestamptz NOT NULL,
  warn_at              timestamptz,
  due_at               timestamptz,
  version              integer NOT NULL DEFAULT 1,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  UNIQUE (jurisdiction_id, code),
  CHECK ((status = 'suspended') = (suspended_from IS NOT NULL)),
  CHECK ((status = 'merged') = (parent_id IS NOT NULL)),
  CHECK (anonymous OR reporter_name_enc IS NOT NULL OR reporter_phone_enc IS NOT NULL OR channel IN ('inspector', 'sensor', 'import'))
);
CREATE INDEX work_orders_status_idx ON work_orders (jurisdiction_id, status, due_at);
CREATE INDEX work_orders_department_idx ON work_orders (department_id, status);
CREATE INDEX work_orders_parent_idx ON work_orders (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX work_orders_location_gix ON work_orders USING gist (location);

CREATE TABLE work_order_timeline (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  work_order_id   uuid NOT NULL REFERENCES work_orders (id),
  at              timestamptz NOT NULL,
  action          text NOT NULL,
  from_status     text,
  to_status       text NOT NULL,
  actor_id        uuid,
  actor_role      text,
  note            text,
  photos          jsonb NOT NULL DEFAULT '[]',
  data            jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX work_order_timeline_order_idx ON work_order_timeline (work_order_id, id);
