-- An order answered at intake (首接办结) is finished when it is answered: the answer now sets closed_at, as the close
-- (结案) does (lifecycle FINISHING_ACTIONS), and the statistics and the list's 办结 filters read closed_at alone. Before,
-- an answered order had none, and once its reporter rated it (status rated, or under_review after 不满意) it no longer
-- counted as closed while it still counted as rated (参评率 over 100 %). Back-fill: the time of its last answer, or —
-- without that timeline entry — of its last change.
UPDATE work_orders w
   SET closed_at = COALESCE((SELECT max(t.at) FROM work_order_timeline t WHERE t.work_order_id = w.id AND t.action = 'answer'), w.updated_at)
 WHERE w.closed_at IS NULL AND w.status IN ('answered', 'rated', 'under_review');
