/** A status as a resident reads it (受理中, 处置中 …), as a coloured tag. */
import { useTranslation } from 'react-i18next';

export function useStatusText(): (status: string) => string {
  const { t } = useTranslation();
  const labels: Record<string, string> = {
    received: t('residentReport.status.received'),
    accepted: t('residentReport.status.accepted'),
    answered: t('residentReport.status.answered'),
    rejected: t('residentReport.status.rejected'),
    dispatched: t('residentReport.status.dispatched'),
    signed: t('residentReport.status.signed'),
    in_progress: t('residentReport.status.in_progress'),
    reported: t('residentReport.status.reported'),
    verified: t('residentReport.status.verified'),
    closed: t('residentReport.status.closed'),
    rated: t('residentReport.status.rated'),
    under_review: t('residentReport.status.under_review'),
    returned: t('residentReport.status.returned'),
    suspended: t('residentReport.status.suspended'),
    cancelled: t('residentReport.status.cancelled'),
    merged: t('residentReport.status.merged'),
    transferred: t('residentReport.status.transferred'),
  };
  return (status) => labels[status] ?? status;
}

const TONE: Record<string, string> = {
  closed: 'done',
  rated: 'done',
  answered: 'done',
  rejected: 'stopped',
  cancelled: 'stopped',
  under_review: 'warn',
  suspended: 'warn',
};

export function StatusLabel({ status }: { status: string }) {
  const text = useStatusText();
  return (
    <span className={`rr-status rr-status-${TONE[status] ?? 'open'}`} data-testid="status-label" data-status={status}>
      {text(status)}
    </span>
  );
}
