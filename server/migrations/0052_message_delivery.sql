-- Delivery of outbound messages on WeChat (公众号 template messages) and e-mail besides SMS.
--
-- A channel with a gateway configured records the row as 'queued' and a job delivers it ('sent'), retrying with
-- backoff on failure ('queued' again, with attempts and the last error) until it gives up ('failed'). Channels
-- without a gateway keep 'recorded'. `dedupe_key` (event + handler) makes a second message for one event
-- impossible even when the handler runs again.

ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_channel_check;
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_channel_check CHECK (channel IN ('sms', 'wechat', 'email'));
ALTER TABLE outbound_messages
  ADD COLUMN subject      text,
  ADD COLUMN dedupe_key   text CHECK (char_length(dedupe_key) <= 200),
  ADD COLUMN attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD COLUMN last_error   text CHECK (char_length(last_error) <= 1000),
  ADD COLUMN provider_ref text CHECK (char_length(provider_ref) <= 200),
  ADD COLUMN sent_at      timestamptz;
CREATE UNIQUE INDEX outbound_messages_dedupe_idx ON outbound_messages (dedupe_key) WHERE dedupe_key IS NOT NULL;
