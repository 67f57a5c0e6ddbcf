/**
 * The knowledge base beside the call form: searched as the agent types (its own box, else the call's text), each
 * result with its question and answer and "answer with this" — the page creates the enquiry and answers it at
 * first contact (首接负责). Alt+K moves focus to the first result's button.
 */
import { Alert, Button, Input, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api';
import { searchKnowledge, type Article } from './api';

const SEARCH_PAUSE_MS = 350;

interface Props {
  box: string;
  onBox(value: string): void;
  /** What is searched (knowledgeQuery of the box and the call's text). */
  query: string;
  canAnswer: boolean;
  answeringId: string | null;
  onAnswer(article: Article): void;
}

function ArticleCard({ article, canAnswer, answering, busy, onAnswer }: { article: Article; canAnswer: boolean; answering: boolean; busy: boolean; onAnswer(): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const answerId = `hotline-kb-answer-${article.id}`;
  return (
    <li className="cg-hotline-article" data-testid="hotline-kb-article">
      <Typography.Title level={3} className="cg-hotline-article-title">
        {article.title}
      </Typography.Title>
      <p className={open ? 'cg-hotline-qa' : 'cg-hotline-qa cg-hotline-clamp2'}>
        <strong>{t('hotline.knowledge.question')}：</strong>
        {article.question}
      </p>
      <p id={answerId} className={open ? 'cg-hotline-qa cg-hotline-answer' : 'cg-hotline-qa cg-hotline-answer cg-hotline-clamp5'}>
        <strong>{t('hotline.knowledge.answer')}：</strong>
        {article.answer}
      </p>
      <div className="cg-hotline-article-meta">
        {article.agency && <span>{t('hotline.knowledge.agency', { agency: article.agency })}</span>}
        <span>{t('hotline.knowledge.used', { count: article.useCount })}</span>
      </div>
      <div className="cg-hotline-article-actions">
        <Button
          type="primary"
          size="small"
          data-answer
          data-testid="hotline-kb-answer"
          disabled={!canAnswer || busy}
          loading={answering}
          aria-describedby={answerId}
          onClick={onAnswer}
        >
          {answering ? t('hotline.knowledge.answering') : t('hotline.knowledge.answerWith')}
        </Button>
        <Button size="small" type="link" aria-expanded={open} aria-controls={answerId} onClick={() => setOpen((o) => !o)}>
          {open ? t('hotline.knowledge.collapse') : t('hotline.knowledge.expand')}
        </Button>
      </div>
    </li>
  );
}

export function KnowledgePanel({ box, onBox, query, canAnswer, answeringId, onAnswer }: Props) {
  const { t } = useTranslation();
  const [result, setResult] = useState<{ query: string; items: Article[]; match: 'and' | 'or' | null } | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (query.trim() === '') {
      setResult(null);
      setError(null);
      setLoading(false);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      setLoading(true);
      searchKnowledge(query).then(
        (r) => {
          if (!live) return;
          setResult({ query, items: r.items, match: r.match });
          setError(null);
          setLoading(false);
        },
        (e: unknown) => {
          if (!live) return;
          setError(errorMessage(e));
          setLoading(false);
        },
      );
    }, SEARCH_PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  return (
    <section
      className="cg-hotline-panel"
      aria-labelledby="hotline-kb-title"
      aria-busy={loading}
      data-testid="hotline-knowledge"
      data-current={!loading && result !== null && result.query === query}
    >
      <Typography.Title level={2} id="hotline-kb-title" className="cg-hotline-panel-title">
        {t('hotline.knowledge.title')}
      </Typography.Title>
      <label htmlFor="hotline-kb-search" className="cg-hotline-label">
        {t('hotline.knowledge.search')}
      </label>
      <Input.Search
        id="hotline-kb-search"
        value={box}
        allowClear
        placeholder={t('hotline.knowledge.searchPlaceholder')}
        onChange={(e) => onBox(e.target.value)}
        onSearch={(v) => onBox(v)}
        data-testid="hotline-kb-search"
      />
      <div aria-live="polite" className="cg-hotline-kb-status">
        {loading && (
          <span className="cg-hotline-muted">
            <Spin size="small" /> {t('hotline.knowledge.searching')}
          </span>
        )}
        {!loading && error && <Alert type="error" showIcon message={error} />}
        {!loading && !error && !result && <span className="cg-hotline-muted">{t('hotline.knowledge.hint')}</span>}
        {!loading && !error && result && result.items.length === 0 && <span className="cg-hotline-muted">{t('hotline.knowledge.empty')}</span>}
        {!loading && !error && result && result.items.length > 0 && result.match === 'or' && <span className="cg-hotline-muted">{t('hotline.knowledge.matchOr')}</span>}
        {!canAnswer && result && result.items.length > 0 && <div className="cg-hotline-muted">{t('hotline.knowledge.onlyEnquiry')}</div>}
      </div>
      {result && result.items.length > 0 && (
        <ol className="cg-hotline-articles">
          {result.items.map((a) => (
            <ArticleCard key={a.id} article={a} canAnswer={canAnswer} answering={answeringId === a.id} busy={answeringId !== null} onAnswer={() => onAnswer(a)} />
          ))}
        </ol>
      )}
    </section>
  );
}
