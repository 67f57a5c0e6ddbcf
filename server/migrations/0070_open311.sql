-- Open311 GeoReport v2 (src/modules/open311). Every active leaf work-order category is a service; these tables hold
-- what an administrator configures on top (type realtime/batch, notice, keywords, attributes), what an Open311
-- client sent with a request that the work order itself does not keep (service attributes, media URLs, the
-- reporter's e-mail — personal data, sealed), the batch tokens, and the updates clients post (mySociety
-- servicerequestupdates).

CREATE TABLE open311_services (
  jurisdiction_id text NOT NULL,
  category_code   text NOT NULL,
  -- realtime: the request id is answered at once; batch: a token is answered and resolves to the id once a person
  -- has reviewed the order (it left 'received').
  type            text NOT NULL DEFAULT 'realtime' CHECK (type IN ('realtime', 'batch')),
  description     text CHECK (char_length(description) <= 1000),
  keywords        text CHECK (char_length(keywords) <= 500),
  service_notice  text CHECK (char_length(service_notice) <= 1000),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (jurisdiction_id, category_code),
  FOREIGN KEY (jurisdiction_id, category_code) REFERENCES work_order_categories (jurisdiction_id, code)
);

CREATE TABLE open311_attributes (
  jurisdiction_id      text NOT NULL,
  category_code        text NOT NULL,
  code                 text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$'),
  variable             boolean NOT NULL DEFAULT true,
  datatype             text NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
  required             boolean NOT NULL DEFAULT false,
  datatype_description text CHECK (char_length(datatype_description) <= 500),
  sort_order           integer NOT NULL CHECK (sort_order >= 1),
  description          text NOT NULL CHECK (char_length(description) BETWEEN 1 AND 500),
  -- [{ "key": "…", "name": "…" }] for the list datatypes, [] otherwise.
  "values"             jsonb NOT NULL DEFAULT '[]',
  PRIMARY KEY (jurisdiction_id, category_code, code),
  FOREIGN KEY (jurisdiction_id, category_code) REFERENCES open311_services (jurisdiction_id, category_code) ON DELETE CASCADE,
  CHECK ((datatype IN ('singlevaluelist', 'multivaluelist')) = (jsonb_array_length("values") > 0))
);

-- One row per work order created through Open311.
CREATE TABLE open311_requests (
  work_order_id     uuid PRIMARY KEY REFERENCES work_orders (id),
  jurisdiction_id   text NOT NULL REFERENCES jurisdictions (id),
  api_key_id        uuid NOT NULL REFERENCES api_keys (id),
  service_code      text NOT NULL,
  -- { "CODE": "v" | ["v", …] }
  attributes        jsonb NOT NULL DEFAULT '{}',
  media_urls        jsonb NOT NULL DEFAULT '[]',
  address_id        text CHECK (char_length(address_id) <= 100),
  zipcode           text CHECK (char_length(zipcode) <= 20),
  device_id         text CHECK (char_length(device_id) <= 200),
  account_id        text CHECK (char_length(account_id) <= 200),
  reporter_email_enc text,
  token             text UNIQUE CHECK (token ~ '^[A-Za-z0-9_-]{16,64}$'),
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_requests_jurisdiction_idx ON open311_requests (jurisdiction_id, created_at);

-- Updates posted by clients (FixMyStreet comments on a report). They are recorded for staff and never move the
-- order's lifecycle by themselves; `mapped_status` is our status the client's extended status corresponds to.
CREATE TABLE open311_updates (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  jurisdiction_id   text NOT NULL REFERENCES jurisdictions (id),
  work_order_id     uuid NOT NULL REFERENCES work_orders (id),
  api_key_id        uuid NOT NULL REFERENCES api_keys (id),
  client_update_id  text NOT NULL CHECK (char_length(client_update_id) BETWEEN 1 AND 100),
  status            text NOT NULL,
  mapped_status     text,
  description       text NOT NULL CHECK (char_length(description) <= 4000),
  media_url         text CHECK (char_length(media_url) <= 2000),
  updated_datetime  timestamptz NOT NULL,
  reporter_name_enc  text,
  reporter_email_enc text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (api_key_id, client_update_id)
);
CREATE INDEX open311_updates_order_idx ON open311_updates (work_order_id, id);
