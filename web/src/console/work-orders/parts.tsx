/** Small pieces shared by the work-order screens: status and urgency tags, the deadline bar, cached look-ups. */
import { Tag, Tooltip } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api';
import { loadDivisions } from '../../shared/map/geo';
import { formatDateTime, formatNearTime } from '../../shared/time';
import type { WorkOrderDetail, WorkOrderListItem, WorkOrderSummary } from '@civicgrid/contracts/work-orders';
import { workOrdersApi } from './api';
import { categoryLabel, deadlineInfo, followUpDeadline, signDeadline, splitDuration, type Category, type DeadlineTone } from './model';
import './work-orders.css';

/** Dark text on a light fill: every pair meets WCAG AA contrast for small text. */
const STATUS_STYLE: Record<string, { color: string; background: string }> = {
  received: { color: '#0b4f94', background: '#e6f0fb' },
  accepted: { color: '#0b4f94', background: '#e6f0fb' },
  dispatched: { color: '#3c2a8f', background: '#eeeafb' },
  signed: { color: '#3c2a8f', background: '#eeeafb' },
  in_progress: { color: '#3c2a8f', background: '#eeeafb' },
  reported: { color: '#0d5c5c', background: '#e3f4f4' },
  verified: { color: '#0d5c5c', background: '#e3f4f4' },
  returned: { color: '#7a3e00', background: '#fdf0e1' },
  under_review: { color: '#7a3e00', background: '#fdf0e1' },
  suspended: { color: '#5b3a6e', background: '#f3eaf7' },
  answered: { color: '#245f0e', background: '#eaf5e4' },
  closed: { color: '#245f0e', background: '#eaf5e4' },
  rated: { color: '#245f0e', background: '#eaf5e4' },
};
const NEUTRAL = { color: '#3d3d3d', background: '#f0f0f0' };

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const s = STATUS_STYLE[status] ?? NEUTRAL;
  return (
    <Tag style={{ ...s, borderColor: s.color }} data-status={status}>
      {t(`workOrders.status.${status}`, { defaultValue: status })}
    </Tag>
  );
}

export function UrgencyTag({ urgency }: { urgency: string }) {
  const { t } = useTranslation();
  const s = urgency === 'emergency' ? { color: '#fff', background: '#b3261e' } : urgency === 'urgent' ? { color: '#7a3e00', background: '#fdf0e1' } : NEUTRAL;
  return <Tag style={{ ...s, borderColor: s.color === '#fff' ? s.background : s.color }}>{t(`workOrders.urgency.${urgency}`, { defaultValue: urgency })}</Tag>;
}

export function SupervisedTag() {
  const { t } = useTranslation();
  return (
    <Tag style={{ color: '#fff', background: '#b3261e', borderColor: '#b3261e' }} data-testid="supervised-tag">
      {t('workOrders.supervised')}
    </Tag>
  );
}

const TONE_COLOR: Record<DeadlineTone, string> = {
  ok: '#2f7a12',
  warn: '#9a5b00',
  overdue: '#c0262d',
  paused: '#5b3a6e',
  done: '#595959',
  none: '#595959',
};

/** Time used against time allowed; the text says how much is left (or how late), the colour the state. */
export function DeadlineBar({ order, now = new Date(), wide = false }: { order: WorkOrderSummary | WorkOrderDetail; now?: Date; wide?: boolean }) {
  const { t } = useTranslation();
  const info = deadlineInfo(order, now);
  // Finished late reads in the overdue colour.
  const color = info.ending === 'finishedLate' ? TONE_COLOR.overdue : TONE_COLOR[info.tone];
  let text: string;
  if (info.tone === 'done') text = t(info.ending === 'finishedLate' ? 'workOrders.deadline.doneLate' : info.ending === 'ended' ? 'workOrders.deadline.ended' : 'workOrders.deadline.done');
  else if (info.remainingMs === null) text = info.tone === 'paused' ? t('workOrders.deadline.pausedClock') : t('workOrders.deadline.none');
  else {
    const d = splitDuration(info.remainingMs);
    const span = d.d > 0 ? t('workOrders.deadline.dh', d) : t('workOrders.deadline.hm', d);
    text = info.remainingMs <= 0 || info.tone === 'overdue' ? t('workOrders.deadline.late', { span }) : t('workOrders.deadline.left', { span });
    if (info.tone === 'paused') text = `${t('workOrders.deadline.paused')} · ${text}`;
  }
  const due = order.dueAt ? t('time.withZone', { at: formatDateTime(order.dueAt) }) : '';
  return (
    <Tooltip title={due ? t('workOrders.deadline.dueAt', { at: due }) : undefined}>
      <span className={`wo-deadline${wide ? ' wo-deadline-wide' : ''}`} data-tone={info.tone} data-ending={info.ending} data-testid="deadline-bar">
        <span className="wo-deadline-track" aria-hidden>
          <span className="wo-deadline-fill" style={{ width: `${info.tone === 'none' ? 0 : info.percent}%`, background: color }} />
        </span>
        <span className="wo-deadline-text" style={{ color }}>
          {text}
        </span>
      </span>
    </Tooltip>
  );
}

// ---- Look-ups cached for the session -------------------------------------------------------------------------

let categoriesPromise: Promise<Category[]> | null = null;

export function useCategories(): { items: Category[]; byCode: Map<string, Category>; label: (code: string | null) => string; error: string | null } {
  const { i18n } = useTranslation();
  const [items, setItems] = useState<Category[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    categoriesPromise ??= workOrdersApi.categories().catch((e: unknown) => {
      categoriesPromise = null;
      throw e;
    });
    categoriesPromise.then(
      (c) => live && setItems(c),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);
  const byCode = useMemo(() => new Map(items.map((c) => [c.code, c])), [items]);
  return { items, byCode, label: (code) => categoryLabel(code, byCode, i18n.language), error };
}

export interface District {
  code: string;
  nameZh: string;
  nameEn: string | null;
}
let districtsPromise: Promise<District[]> | null = null;

export function useDistricts(): District[] {
  const [items, setItems] = useState<District[]>([]);
  useEffect(() => {
    let live = true;
    districtsPromise ??= loadDivisions('district')
      .then((c) => c.features.map((f) => ({ code: f.properties.code, nameZh: f.properties.nameZh, nameEn: f.properties.nameEn })))
      .catch(() => {
        districtsPromise = null;
        return [];
      });
    void districtsPromise.then((d) => live && setItems(d));
    return () => {
      live = false;
    };
  }, []);
  return items;
}

export function districtName(code: string | null, districts: readonly District[], language: string): string {
  if (!code) return '';
  const d = districts.find((x) => x.code === code);
  if (!d) return code;
  return language === 'en' && d.nameEn ? d.nameEn : d.nameZh;
}

export function deptName(d: { nameZh: string | null; nameEn: string | null } | null, language: string): string {
  if (!d) return '';
  return (language === 'en' ? d.nameEn ?? d.nameZh : d.nameZh ?? d.nameEn) ?? '';
}

/** A dispatched order's sign-for deadline (签收时限), or 签收超时 once it has passed; nothing otherwise. */
export function SignDeadline({ order, now = new Date() }: { order: WorkOrderSummary | WorkOrderDetail; now?: Date }) {
  const { t } = useTranslation();
  const sign = signDeadline(order, now);
  if (!sign) return null;
  const full = t('workOrders.deadline.signBy', { at: t('time.withZone', { at: formatDateTime(sign.at) }) });
  return sign.late ? (
    <Tooltip title={full}>
      <Tag color="error" data-testid="sign-deadline" data-late="true" style={{ marginInlineEnd: 0 }}>
        {t('workOrders.deadline.signLate')}
      </Tag>
    </Tooltip>
  ) : (
    <Tooltip title={full}>
      <span className="wo-sign-deadline" data-testid="sign-deadline" data-late="false">
        {t('workOrders.deadline.signBy', { at: formatNearTime(sign.at, { now }) })}
      </span>
    </Tooltip>
  );
}

/**
 * The 回访 queue's deadline cell: when the resident must be called back by (回访时限, in the list's short style), and
 * 回访超期 in red once that has passed; a dash for an order that awaits no call.
 */
export function FollowUpDeadline({ order, now = new Date() }: { order: Pick<WorkOrderListItem, 'followUpDueAt'>; now?: Date }) {
  const { t } = useTranslation();
  const due = followUpDeadline(order, now);
  if (!due) return <span data-testid="follow-up-deadline">—</span>;
  return (
    <Tooltip title={t('workOrders.board.followUpBy', { at: t('time.withZone', { at: formatDateTime(due.at) }) })}>
      <span className="wo-follow-up" data-testid="follow-up-deadline" data-late={String(due.late)}>
        <span>{formatNearTime(due.at, { now })}</span>
        {due.late && <Tag className="wo-follow-up-late">{t('workOrders.board.followUpLate')}</Tag>}
      </span>
    </Tooltip>
  );
}

/**
 * A table's deadline cell: the bar, the sign-for deadline of a dispatched order, the 督办 flag when supervised, and
 * 延期待批 while an extension request waits for the dispatcher (list rows say so) — the handler who asked sees why the
 * button to ask is gone, the dispatcher what is pending.
 */
export function DeadlineCell({ order }: { order: WorkOrderSummary & { extensionPending?: boolean } }) {
  const { t } = useTranslation();
  return (
    <>
      <DeadlineBar order={order} />
      {signDeadline(order, new Date()) && (
        <div>
          <SignDeadline order={order} />
        </div>
      )}
      {order.supervised && (
        <div>
          <SupervisedTag />
        </div>
      )}
      {order.extensionPending && (
        <div>
          <Tag className="wo-extension-pending" data-testid="extension-pending">
            {t('workOrders.deadline.extensionPending')}
          </Tag>
        </div>
      )}
    </>
  );
}
