-- How a reporter asked to be told (WeChat, e-mail), and photo thumbnails.
--
-- work_order_contacts: how the reporter asked to be told, from the public report (a WeChat openid, an e-mail
-- address), sealed like every personal field. Notifications pick WeChat, then e-mail, then the reporter's phone.
--
-- attachments.thumb_key: the content-addressed key of the photo's thumbnail (JPEG, at most 320 px), made on upload
-- together with the metadata-free copy that replaces the original (EXIF and GPS removed). NULL for rows uploaded
-- before this migration and for formats the image library cannot decode (served full size).

CREATE TABLE work_order_contacts (
  work_order_id     uuid PRIMARY KEY REFERENCES work_orders (id),
  jurisdiction_id   text NOT NULL REFERENCES jurisdictions (id),
  wechat_openid_enc text,
  email_enc         text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (wechat_openid_enc IS NOT NULL OR email_enc IS NOT NULL)
);

ALTER TABLE attachments ADD COLUMN thumb_key text CHECK (char_length(thumb_key) BETWEEN 1 AND 200);
CREATE INDEX attachments_thumb_key_idx ON attachments (thumb_key) WHERE thumb_key IS NOT NULL;
