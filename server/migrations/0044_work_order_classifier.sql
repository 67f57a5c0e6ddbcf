-- Work-order category classifier (分类): trained models per jurisdiction. A model is the JSON of
-- src/modules/work-orders/classifier/model.ts; `metrics` holds its held-out evaluation (accuracy, top-3 accuracy,
-- majority baseline, per-class counts, what it was trained on). At most one model per jurisdiction is active — the
-- one suggestions come from; processes notice a newly activated one by re-reading its version.

CREATE TABLE work_order_classifier_models (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  version         integer NOT NULL CHECK (version >= 1),
  kind            text NOT NULL CHECK (kind IN ('nb', 'softmax')),
  labels          jsonb NOT NULL CHECK (jsonb_typeof(labels) = 'array'),
  model           jsonb NOT NULL,
  metrics         jsonb NOT NULL,
  trained_at      timestamptz NOT NULL DEFAULT now(),
  active          boolean NOT NULL DEFAULT false,
  activated_at    timestamptz,
  UNIQUE (jurisdiction_id, version),
  CHECK (NOT active OR activated_at IS NOT NULL)
);
CREATE UNIQUE INDEX work_order_classifier_models_active_idx ON work_order_classifier_models (jurisdiction_id) WHERE active;
