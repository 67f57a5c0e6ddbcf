-- Who wrote an article's current content, and when — apart from who last changed anything (updated_*), which a
-- publish, an archive or a return to draft also sets. A content edit keeps the replaced content as a version with its
-- author (edited_by*), so 版本记录 names who wrote each text, not who published it. Rows before this migration: the
-- last change is the best known author.
ALTER TABLE knowledge_articles
  ADD COLUMN content_by_id uuid REFERENCES users (id),
  ADD COLUMN content_by    text,
  ADD COLUMN content_at    timestamptz NOT NULL DEFAULT now();
UPDATE knowledge_articles SET content_by_id = updated_by_id, content_by = updated_by, content_at = updated_at;
