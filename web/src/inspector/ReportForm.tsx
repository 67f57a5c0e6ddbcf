/**
 * A problem found on patrol in a few taps: photo, a sentence, the class (searched, or the classifier's suggestion
 * for the sentence when online), and the GPS fix. It is 立案 at once by the server; offline it waits in the outbox.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { classify, type Loaded, type Suggestion } from './data';
import { categoryName, hrefFor, newKey, patrolCategories, requestTypeOf, searchCategories, type Category } from './model';
import { enqueue } from './outbox';
import { PhotoPicker } from './PhotoPicker';
import { PositionLine } from './PositionLine';
import { usePosition } from './position';

/** `categories` is read when the app starts (and kept on the device), so the list is there offline too. */
export function ReportForm({ categories }: { categories: Loaded<{ items: Category[] }> }) {
  const { t, i18n } = useTranslation();
  const leaves = useMemo(() => patrolCategories(categories.data?.items ?? []), [categories.data]);
  const [photos, setPhotos] = useState<File[]>([]);
  const [description, setDescription] = useState('');
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState<Category | null>(null);
  const [suggestion, setSuggestion] = useState<Suggestion | null>(null);
  const [pos, locate] = usePosition();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The classifier's suggestion for what was written (debounced; nothing offline).
  useEffect(() => {
    const text = description.trim();
    if (text.length < 4 || !navigator.onLine) return;
    const timer = window.setTimeout(() => {
      void classify(text).then(setSuggestion, () => setSuggestion(null));
    }, 500);
    return () => window.clearTimeout(timer);
  }, [description]);

  const suggested = suggestion ? leaves.find((c) => c.code === suggestion.categoryCode) ?? null : null;
  const hits = searchCategories(leaves, query);

  const submit = async () => {
    if (photos.length === 0) return setProblem(t('inspector.report.needPhoto'));
    if (!description.trim()) return setProblem(t('inspector.report.needText'));
    if (pos.state !== 'ok') return setProblem(t('inspector.report.needPosition'));
    setBusy(true);
    try {
      await enqueue({
        key: newKey(),
        kind: 'report',
        path: '/api/v1/inspector/reports',
        body: {
          requestType: requestTypeOf(category),
          categoryCode: category?.code ?? null,
          title: category ? category.nameZh : null,
          description: description.trim(),
          location: { lng: pos.position.lng, lat: pos.position.lat },
          actedAt: new Date().toISOString(),
        },
        photos: photos.map((blob) => ({ blob, uploadedId: null })),
        label: category ? `${categoryName(category, i18n.language)} · ${description.trim().slice(0, 20)}` : description.trim().slice(0, 30),
        orderId: null,
      });
      window.location.hash = hrefFor({ page: 'queue' });
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <section className="ip-page" aria-labelledby="report-title">
      <h1 id="report-title">{t('inspector.report.title')}</h1>
      <form
        className="ip-card ip-stack"
        data-testid="report-form"
        data-categories={leaves.length}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <PhotoPicker photos={photos} onChange={setPhotos} />
        <label className="ip-field">
          <span>{t('inspector.report.description')}</span>
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={4000} data-testid="report-description" />
        </label>
        <fieldset className="ip-stack">
          <legend>{t('inspector.report.category')}</legend>
          {category ? (
            <p className="ip-chosen" data-testid="report-category">
              {categoryName(category, i18n.language)}{' '}
              <button type="button" className="ip-link" onClick={() => setCategory(null)}>
                {t('inspector.report.change')}
              </button>
            </p>
          ) : (
            <>
              {suggested && (
                <button type="button" className="ip-button ip-suggest" onClick={() => setCategory(suggested)} data-testid="report-suggestion">
                  {t('inspector.report.suggested', { name: categoryName(suggested, i18n.language), p: Math.round(suggestion!.confidence * 100) })}
                </button>
              )}
              <label className="ip-field">
                <span>{t('inspector.report.search')}</span>
                <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="report-category-search" />
              </label>
              {hits.length > 0 && (
                <ul className="ip-choices">
                  {hits.map((c) => (
                    <li key={c.code}>
                      <button type="button" className="ip-button" onClick={() => setCategory(c)} data-testid="report-category-option">
                        {categoryName(c, i18n.language)}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {categories.data === null && !categories.loading && <p className="ip-muted">{t('inspector.report.noCategories')}</p>}
            </>
          )}
        </fieldset>
        <PositionLine pos={pos} onLocate={locate} />
        {problem && (
          <p className="ip-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="ip-button ip-button-primary ip-wide" disabled={busy} data-testid="report-submit">
          {t('inspector.report.submit')}
        </button>
      </form>
    </section>
  );
}
