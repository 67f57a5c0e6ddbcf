-- The hotline knowledge base (知识库): articles agents use to answer enquiries at first contact (首接负责), with
-- their earlier versions. PostgreSQL has no Chinese text-search parser, so the service stores the jieba-segmented
-- words (space-separated) of the title + tags, the question and the answer; search_vector is to_tsvector('simple', …)
-- of them, weighted A (title, tags) > B (question) > C (answer), with a GIN index.

CREATE TABLE knowledge_articles (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  question        text NOT NULL CHECK (length(question) BETWEEN 1 AND 10000),
  answer          text NOT NULL CHECK (length(answer) BETWEEN 1 AND 20000),
  -- Work-order category contract: lowercase dotted path (component.01.0102, utilities.water, …).
  category_code   text CHECK (category_code ~ '^[a-z0-9]+(\.[a-z0-9]+)*$'),
  agency          text CHECK (length(agency) <= 200),
  source          text NOT NULL CHECK (source IN ('manual', 'import', 'mailbox')),
  source_url      text CHECK (source_url ~ '^https?://' AND length(source_url) <= 2000),
  -- The row's id in its source (a mailbox mail_id): imports skip rows already there.
  source_ref      text CHECK (length(source_ref) <= 100),
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
  -- Internal articles (scripts for agents) are never shown to residents.
  internal        boolean NOT NULL DEFAULT false,
  tags            text[] NOT NULL DEFAULT '{}',
  valid_from      date,
  valid_to        date,
  version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  search_title    text NOT NULL,
  search_question text NOT NULL,
  search_answer   text NOT NULL,
  -- Stored, so ranking reads it instead of re-parsing every matching letter per query.
  search_vector   tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', search_title), 'A') ||
                    setweight(to_tsvector('simple', search_question), 'B') ||
                    setweight(to_tsvector('simple', search_answer), 'C')) STORED,
  use_count       integer NOT NULL DEFAULT 0 CHECK (use_count >= 0),
  last_used_at    timestamptz,
  created_by_id   uuid REFERENCES users (id),
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_by_id   uuid REFERENCES users (id),
  updated_by      text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  published_at    timestamptz,
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from),
  CHECK (source <> 'mailbox' OR source_url IS NOT NULL)
);
CREATE INDEX knowledge_articles_search_gin ON knowledge_articles USING gin (search_vector);
CREATE INDEX knowledge_articles_list_idx ON knowledge_articles (jurisdiction_id, status, updated_at DESC, id DESC);
CREATE INDEX knowledge_articles_category_idx ON knowledge_articles (jurisdiction_id, category_code text_pattern_ops);
CREATE UNIQUE INDEX knowledge_articles_source_ref_key ON knowledge_articles (jurisdiction_id, source, source_ref) WHERE source_ref IS NOT NULL;

-- Every earlier version of an article's content, kept when it is edited (the current one is the article row).
CREATE TABLE knowledge_article_versions (
  article_id      uuid NOT NULL REFERENCES knowledge_articles (id) ON DELETE CASCADE,
  version         integer NOT NULL,
  jurisdiction_id text NOT NULL REFERENCES jurisdictions (id),
  title           text NOT NULL,
  question        text NOT NULL,
  answer          text NOT NULL,
  category_code   text,
  agency          text,
  internal        boolean NOT NULL,
  tags            text[] NOT NULL,
  valid_from      date,
  valid_to        date,
  -- Who wrote this version and when (the article's updated_* at the time).
  edited_by_id    uuid REFERENCES users (id),
  edited_by       text,
  edited_at       timestamptz NOT NULL,
  PRIMARY KEY (article_id, version)
);
