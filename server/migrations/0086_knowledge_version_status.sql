-- A kept version of a knowledge article also records the status the article had while that content was current (up
-- to the edit that replaced it): the editor's 版本记录 shows which versions agents answered calls with. Versions kept
-- before this migration have none (NULL: not recorded).
ALTER TABLE knowledge_article_versions ADD COLUMN status text CHECK (status IN ('draft', 'published', 'archived'));
