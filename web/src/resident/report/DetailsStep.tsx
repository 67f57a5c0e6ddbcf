/**
 * Step 3: what it is — the kind of request, a category from the city's public list (searchable, optional), title,
 * description (counted to 4,000), and who reports it: name and phone (the phone is what tracking asks for), or
 * anonymously, which cannot be tracked by phone.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../shared/api';
import { exampleProps, FieldExample } from './FieldExample';
import {
  categoryChoices,
  MAX_DESCRIPTION,
  MAX_NAME,
  MAX_TITLE,
  REQUEST_TYPES,
  searchCategories,
  type FieldErrors,
  type PublicCategory,
  type ReportDraft,
  type ResidentRequestType,
} from './model';

function useCategories(jurisdictionId: string | null): PublicCategory[] | null {
  const [items, setItems] = useState<PublicCategory[] | null>(null);
  useEffect(() => {
    let live = true;
    api.get<{ items: PublicCategory[] }>('/api/v1/public/work-order-categories', { jurisdiction: jurisdictionId }).then(
      (r) => live && setItems(r.items),
      // The category is optional: without the list the resident still reports, and the centre classifies.
      () => live && setItems([]),
    );
    return () => {
      live = false;
    };
  }, [jurisdictionId]);
  return items;
}

export function DetailsStep({
  draft,
  update,
  errors,
  jurisdictionId,
  signedInPhone,
  elder,
}: {
  draft: ReportDraft;
  update: (patch: Partial<ReportDraft>) => void;
  errors: FieldErrors;
  jurisdictionId: string | null;
  signedInPhone: string | null;
  elder: boolean;
}) {
  const { t, i18n } = useTranslation();
  const categories = useCategories(jurisdictionId);
  const choices = useMemo(() => categoryChoices(categories ?? [], i18n.language), [categories, i18n.language]);
  const chosen = choices.find((c) => c.code === draft.categoryCode) ?? null;
  const [query, setQuery] = useState('');
  const hits = useMemo(() => searchCategories(choices, query), [choices, query]);
  const typeLabel: Record<ResidentRequestType, string> = {
    complaint: t('residentReport.type.complaint'),
    help: t('residentReport.type.help'),
    report: t('residentReport.type.report'),
    enquiry: t('residentReport.type.enquiry'),
    suggestion: t('residentReport.type.suggestion'),
  };
  const typeHint: Record<ResidentRequestType, string> = {
    complaint: t('residentReport.typeHint.complaint'),
    help: t('residentReport.typeHint.help'),
    report: t('residentReport.typeHint.report'),
    enquiry: t('residentReport.typeHint.enquiry'),
    suggestion: t('residentReport.typeHint.suggestion'),
  };
  const err = (k: keyof FieldErrors) => (errors[k] ? t(errors[k]) : null);
  const describedBy = (k: keyof FieldErrors, extra?: string) => [errors[k] ? `rr-err-${k}` : '', extra ?? ''].filter(Boolean).join(' ') || undefined;

  return (
    <div className="rr-step-body">
      <fieldset className="rr-fieldset">
        <legend>{t('residentReport.details.type')}</legend>
        <div className="rr-types">
          {REQUEST_TYPES.map((type) => (
            <label key={type} className={draft.requestType === type ? 'rr-type rr-type-on' : 'rr-type'}>
              <input type="radio" name="rr-type" value={type} checked={draft.requestType === type} onChange={() => update({ requestType: type })} data-testid={`type-${type}`} />
              <span className="rr-type-name">{typeLabel[type]}</span>
              {!elder && <span className="rr-type-hint">{typeHint[type]}</span>}
            </label>
          ))}
        </div>
      </fieldset>

      <div className="rr-category">
        <label className="r-field">
          <span>{t('residentReport.details.category')}</span>
          <FieldExample id="rr-category-example" text={t('residentReport.details.categoryPlaceholder')} elder={elder} />
          <input
            type="search"
            value={query}
            {...exampleProps('rr-category-example', t('residentReport.details.categoryPlaceholder'), elder, 'rr-category-chosen')}
            data-testid="category-search"
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <p id="rr-category-chosen" className="rr-chosen" aria-live="polite" data-testid="category-chosen">
          {chosen ? t('residentReport.details.categoryChosen', { name: chosen.path }) : t('residentReport.details.categoryNone')}
        </p>
        {chosen && (
          <button type="button" className="r-button r-button-plain" onClick={() => update({ categoryCode: null })}>
            {t('residentReport.details.categoryClear')}
          </button>
        )}
        {query.trim() !== '' && (
          <ul className="rr-category-hits" aria-label={t('residentReport.details.categoryResults')} data-testid="category-hits">
            {hits.length === 0 && <li className="r-muted">{categories === null ? t('common.loading') : t('residentReport.details.categoryNoHits')}</li>}
            {hits.map((c) => (
              <li key={c.code}>
                <button
                  type="button"
                  aria-pressed={draft.categoryCode === c.code}
                  onClick={() => {
                    update({ categoryCode: c.code });
                    setQuery('');
                  }}
                >
                  {c.path}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>

      <label className="r-field">
        <span>{t('residentReport.details.description')}</span>
        <textarea
          rows={elder ? 6 : 5}
          value={draft.description}
          maxLength={MAX_DESCRIPTION}
          placeholder={t('residentReport.details.descriptionPlaceholder')}
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={describedBy('description', 'rr-desc-count')}
          data-testid="description"
          onChange={(e) => update({ description: e.target.value })}
        />
      </label>
      <p id="rr-desc-count" className={draft.description.length > MAX_DESCRIPTION * 0.9 ? 'rr-counter rr-counter-near' : 'rr-counter'} data-testid="description-count">
        {t('residentReport.details.counter', { len: draft.description.length, max: MAX_DESCRIPTION })}
      </p>
      {err('description') && (
        <p id="rr-err-description" className="r-error">
          {err('description')}
        </p>
      )}

      <label className="r-field">
        <span>{t('residentReport.details.title')}</span>
        <FieldExample id="rr-title-example" text={t('residentReport.details.titlePlaceholder')} elder={elder} />
        <input
          type="text"
          value={draft.title}
          maxLength={MAX_TITLE}
          aria-invalid={errors.title ? true : undefined}
          {...exampleProps('rr-title-example', t('residentReport.details.titlePlaceholder'), elder, describedBy('title'))}
          data-testid="title"
          onChange={(e) => update({ title: e.target.value })}
        />
      </label>
      {err('title') && (
        <p id="rr-err-title" className="r-error">
          {err('title')}
        </p>
      )}

      <fieldset className="rr-fieldset">
        <legend>{t('residentReport.details.contact')}</legend>
        <label className="rr-switch">
          <input type="checkbox" role="switch" checked={draft.anonymous} onChange={(e) => update({ anonymous: e.target.checked })} data-testid="anonymous" />
          <span>{t('residentReport.details.anonymous')}</span>
        </label>
        {draft.anonymous ? (
          <p className="rr-warning" data-testid="anonymous-note">
            {t('residentReport.details.anonymousNote')}
          </p>
        ) : (
          <>
            <label className="r-field">
              <span>{t('residentReport.details.phone')}</span>
              <input
                type="tel"
                inputMode="tel"
                autoComplete="tel"
                maxLength={24}
                value={draft.phone}
                aria-invalid={errors.phone ? true : undefined}
                aria-describedby={describedBy('phone', 'rr-phone-hint')}
                data-testid="phone"
                onChange={(e) => update({ phone: e.target.value })}
              />
            </label>
            <p id="rr-phone-hint" className="r-muted">
              {signedInPhone ? t('residentReport.details.phoneHintSignedIn', { phone: signedInPhone }) : t('residentReport.details.phoneHint')}
            </p>
            {err('phone') && (
              <p id="rr-err-phone" className="r-error">
                {err('phone')}
              </p>
            )}
            <label className="r-field">
              <span>{t('residentReport.details.name')}</span>
              <input
                type="text"
                autoComplete="name"
                maxLength={MAX_NAME}
                value={draft.name}
                aria-invalid={errors.name ? true : undefined}
                aria-describedby={describedBy('name')}
                data-testid="name"
                onChange={(e) => update({ name: e.target.value })}
              />
            </label>
            {err('name') && (
              <p id="rr-err-name" className="r-error">
                {err('name')}
              </p>
            )}
            <p className="r-muted">{t('residentReport.details.privacy')}</p>
          </>
        )}
      </fieldset>
    </div>
  );
}
