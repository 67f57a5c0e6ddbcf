/** My tasks: open ones first (soonest deadline first, overdue in red), then what I did today. */
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../shared/time';
import type { InspectorTasks, TaskView } from '@civicgrid/contracts/inspector';
import type { Loaded } from './data';
import { hrefFor, remaining } from './model';

export function Deadline({ task, now }: { task: TaskView; now: number }) {
  const { t } = useTranslation();
  const r = remaining(task.dueAt, now);
  const text = r.overdue ? t('inspector.due.overdue', { h: r.hours, m: r.minutes }) : t('inspector.due.left', { h: r.hours, m: r.minutes });
  return (
    <span className={r.overdue ? 'ip-due ip-due-over' : 'ip-due'} data-testid="task-due" data-overdue={r.overdue}>
      {text}
    </span>
  );
}

export function TaskList({ tasks, waiting, now }: { tasks: Loaded<InspectorTasks>; waiting: Set<string>; now: number }) {
  const { t } = useTranslation();
  const items = tasks.data?.items ?? [];
  const open = items.filter((x) => x.state === 'open');
  const done = items.filter((x) => x.state === 'done');
  return (
    <section aria-labelledby="tasks-title" className="ip-page">
      <div className="ip-page-head">
        <h1 id="tasks-title">{t('inspector.tasks.title')}</h1>
        <button type="button" className="ip-button" onClick={tasks.reload} data-testid="tasks-reload">
          {t('inspector.tasks.reload')}
        </button>
      </div>
      {tasks.staleSince && <p className="ip-note" role="status">{t('inspector.tasks.stale', { at: formatDateTime(tasks.staleSince) })}</p>}
      {tasks.loading && !tasks.data && <p role="status">{t('inspector.loading')}</p>}
      {tasks.data && tasks.data.limits && (
        <p className="ip-muted">{t('inspector.tasks.limits', { verify: tasks.data.limits.verifyHours, check: tasks.data.limits.checkHours })}</p>
      )}
      {tasks.data && open.length === 0 && <p className="ip-card">{t('inspector.tasks.none')}</p>}
      <ul className="ip-list" data-testid="task-list">
        {open.map((task) => (
          <li key={task.order.id}>
            <a className={task.overdue ? 'ip-card ip-task ip-task-over' : 'ip-card ip-task'} href={hrefFor({ page: 'task', id: task.order.id })} data-testid="task-item" data-kind={task.kind} data-code={task.order.code}>
              <span className={`ip-kind ip-kind-${task.kind}`}>{t(`inspector.kind.${task.kind}`)}</span>
              <span className="ip-task-title">{task.order.title}</span>
              <span className="ip-muted">
                {task.order.code}
                {task.order.address ? ` · ${task.order.address}` : ''}
              </span>
              {waiting.has(task.order.id) ? (
                <span className="ip-waiting" data-testid="task-waiting">
                  {t('inspector.queue.waiting')}
                </span>
              ) : (
                <Deadline task={task} now={now} />
              )}
            </a>
          </li>
        ))}
      </ul>
      {done.length > 0 && (
        <>
          <h2>{t('inspector.tasks.done')}</h2>
          <ul className="ip-list" data-testid="done-list">
            {done.map((task) => (
              <li key={`${task.order.id}-${task.result?.doneAt}`} className="ip-card ip-task ip-task-done" data-testid="done-item">
                <span className={`ip-kind ip-kind-${task.kind}`}>{t(`inspector.kind.${task.kind}`)}</span>
                <span className="ip-task-title">{task.order.title}</span>
                <span className="ip-muted">
                  {task.order.code} · {task.result ? t(`inspector.outcome.${task.result.outcome}`) : ''}
                  {task.result && !task.result.onTime ? ` · ${t('inspector.tasks.late')}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
