-- 默认满意: an order rated 满意 by the system because nobody rated it within the jurisdiction's rating period
-- (sla.defaultRatingDays, off by default). Its rating is 'satisfied' like any other; this says it was the default,
-- so statistics can show how many of the satisfied were (and the tracking page can say so).
ALTER TABLE work_orders ADD COLUMN rating_default boolean NOT NULL DEFAULT false;
