/** An article's status, and — for a published one outside its validity today — why agents do not see it. */
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { jurisdictionDay } from '../../shared/time';
import type { ArticleView } from '@civicgrid/contracts/knowledge';
import { validityOn } from './model';

export function StatusTag({ article }: { article: Pick<ArticleView, 'status' | 'validFrom' | 'validTo'> }) {
  const { t } = useTranslation();
  const validity = validityOn(article, jurisdictionDay());
  return (
    <>
      <Tag className={`kb-tag kb-tag-${article.status}`} data-testid="kb-status" data-status={article.status}>
        {t(`knowledge.status.${article.status}`)}
      </Tag>
      {article.status === 'published' && (validity === 'notYet' || validity === 'expired') && <Tag className="kb-tag kb-tag-warn">{t(`knowledge.validity.${validity}`)}</Tag>}
    </>
  );
}
