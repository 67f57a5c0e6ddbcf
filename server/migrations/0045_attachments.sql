-- Work-order attachments (photos). The bytes live in an attachment store (DATA_DIR/attachments or an S3-compatible
-- bucket), content-addressed by SHA-256 (`storage_key`), so two rows may share one blob; a blob is deleted only when
-- no row names it any more. A row is uploaded first (work_order_id NULL) and linked when the report, the handler's
-- report or the inspector's check is filed; unlinked rows older than a day are deleted by a timer job.
-- `uploaded_by` is the signed-in user (NULL for an API key or the public portal). The uploader's address is kept only
-- as an HMAC (for the public upload limits), never in plain text.

CREATE TABLE attachments (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id   text NOT NULL REFERENCES jurisdictions (id),
  sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  content_type      text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/heic')),
  size              integer NOT NULL CHECK (size > 0),
  width             integer CHECK (width > 0),
  height            integer CHECK (height > 0),
  storage_key       text NOT NULL CHECK (char_length(storage_key) BETWEEN 1 AND 200),
  uploader_kind     text NOT NULL CHECK (uploader_kind IN ('user', 'api_key', 'public')),
  uploaded_by       uuid REFERENCES users (id),
  uploader_ip_hash  text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  work_order_id     uuid REFERENCES work_orders (id),
  timeline_entry_id bigint REFERENCES work_order_timeline (id),
  linked_at         timestamptz,
  CHECK ((uploader_kind = 'user') = (uploaded_by IS NOT NULL)),
  CHECK ((work_order_id IS NULL) = (linked_at IS NULL)),
  CHECK (timeline_entry_id IS NULL OR work_order_id IS NOT NULL)
);
CREATE INDEX attachments_order_idx ON attachments (work_order_id, created_at) WHERE work_order_id IS NOT NULL;
-- The clean-up timer: unlinked rows by age.
CREATE INDEX attachments_unlinked_idx ON attachments (created_at) WHERE work_order_id IS NULL;
-- "Does any other row still name this blob?" before a blob is deleted.
CREATE INDEX attachments_storage_key_idx ON attachments (storage_key);
-- The hourly cap on anonymous (public portal) uploads per jurisdiction.
CREATE INDEX attachments_public_idx ON attachments (jurisdiction_id, created_at) WHERE uploader_kind = 'public';
