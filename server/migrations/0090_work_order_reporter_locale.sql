-- The language a resident reported in (zh-CN or en, from the report's Accept-Language), so that the texts about their
-- order (registered, answered, not accepted, finished) come in that language. Null for orders staff registered (a
-- hotline call, an inspector's report) and for orders from before: those messages are in Chinese.
ALTER TABLE work_orders ADD COLUMN reporter_locale text CHECK (reporter_locale IN ('zh-CN', 'en'));
