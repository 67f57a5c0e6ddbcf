/**
 * The patrol app for inspectors (监督员/网格员), at /inspector/: a phone-first page without Ant Design. Signed in
 * with the staff account (the session cookie); pages behind the hash: #/ my tasks, #/task/<order id>, #/report,
 * #/map, #/queue (the device's outbox). Whatever the inspector does is queued on the device first and sent when
 * there is network (outbox.ts).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState, useSyncExternalStore, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, errorMessage, setUnauthenticatedHandler } from '../shared/api';
import { currentLanguage, setLanguage } from '../shared/i18n';
import { useCategories, useGrids, useTasks, type Me } from './data';
import { hrefFor, parseHash, type InspectorRoute } from './model';
import { listQueued, listSent, onQueueChange, startAutoFlush, type QueuedItem, type SentItem } from './outbox';
import { usePosition } from './position';
import { QueueView } from './QueueView';
import { ReportForm } from './ReportForm';
import { TaskDetail } from './TaskDetail';
import { TaskList } from './TaskList';

const PatrolMap = lazy(() => import('./PatrolMap'));

function useRoute(): InspectorRoute {
  const hash = useSyncExternalStore(
    (fn) => {
      window.addEventListener('hashchange', fn);
      return () => window.removeEventListener('hashchange', fn);
    },
    () => window.location.hash,
  );
  return useMemo(() => parseHash(hash), [hash]);
}

function useOnline(): boolean {
  return useSyncExternalStore(
    (fn) => {
      window.addEventListener('online', fn);
      window.addEventListener('offline', fn);
      return () => {
        window.removeEventListener('online', fn);
        window.removeEventListener('offline', fn);
      };
    },
    () => navigator.onLine,
  );
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

function useQueue(userId: string): { queued: QueuedItem[]; sent: SentItem[] } {
  const [state, setState] = useState<{ queued: QueuedItem[]; sent: SentItem[] }>({ queued: [], sent: listSent() });
  useEffect(() => {
    let live = true;
    const read = () => void listQueued().then((queued) => live && setState({ queued, sent: listSent() }));
    const stop = startAutoFlush(userId);
    read();
    const off = onQueueChange(read);
    return () => {
      live = false;
      off();
      stop();
    };
  }, [userId]);
  return state;
}

function LanguageButton() {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (
    <button type="button" className="ip-chip" lang={lang === 'en' ? 'zh-CN' : 'en'} onClick={() => void setLanguage(lang === 'en' ? 'zh-CN' : 'en')}>
      {t('common.switchLanguage')}
    </button>
  );
}

function SignIn({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post('/api/v1/auth/login', { username, password });
      onDone();
    } catch (err) {
      setError(err instanceof ApiError && err.status < 500 ? err.message : errorMessage(err));
    }
  };
  return (
    <main className="ip-main" id="main">
      <form className="ip-card ip-stack" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <h1 id="signin-title">{t('inspector.signin.title')}</h1>
        <p className="ip-muted">{t('inspector.signin.hint')}</p>
        <label className="ip-field">
          <span>{t('inspector.signin.username')}</span>
          <input id="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label className="ip-field">
          <span>{t('inspector.signin.password')}</span>
          <input id="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <p className="ip-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="ip-button ip-button-primary ip-wide" data-testid="signin-submit">
          {t('inspector.signin.submit')}
        </button>
      </form>
    </main>
  );
}

function Patrol({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const { t } = useTranslation();
  const route = useRoute();
  const online = useOnline();
  const now = useNow();
  const tasks = useTasks(me.user.id);
  const grids = useGrids(me.user.id);
  const categories = useCategories();
  const { queued, sent } = useQueue(me.user.id);
  const [pos] = usePosition();
  const waitingOrders = useMemo(() => new Set(queued.map((q) => q.orderId).filter((x): x is string => x !== null)), [queued]);
  const waitingCount = queued.filter((q) => q.state === 'waiting').length;
  const failedCount = queued.length - waitingCount;

  // When the outbox empties (sent), the task list is read again: done tasks move down, new ones appear.
  const reloadTasks = tasks.reload;
  const [lastSent, setLastSent] = useState(sent[0]?.key);
  useEffect(() => {
    if (sent[0]?.key !== lastSent) {
      setLastSent(sent[0]?.key);
      reloadTasks();
    }
  }, [sent, lastSent, reloadTasks]);
  // Back online: read the tasks again (the device's copy may be old).
  const [wasOnline, setWasOnline] = useState(online);
  useEffect(() => {
    if (online !== wasOnline) {
      setWasOnline(online);
      if (online) reloadTasks();
    }
  }, [online, wasOnline, reloadTasks]);

  const openTasks = (tasks.data?.items ?? []).filter((x) => x.state === 'open');
  let page;
  switch (route.page) {
    case 'task':
      page = <TaskDetail key={route.id} task={tasks.data?.items.find((x) => x.order.id === route.id && x.state === 'open')} now={now} waiting={waitingOrders.has(route.id)} />;
      break;
    case 'report':
      page = <ReportForm categories={categories} />;
      break;
    case 'queue':
      page = <QueueView queued={queued} sent={sent} online={online} />;
      break;
    case 'map':
      page = (
        <section className="ip-page" aria-labelledby="map-title">
          <h1 id="map-title">{t('inspector.map.title')}</h1>
          <Suspense fallback={<p role="status">{t('inspector.loading')}</p>}>
            <PatrolMap grids={grids.data?.items ?? []} tasks={openTasks} me={pos.state === 'ok' ? pos.position : null} />
          </Suspense>
          <ul className="ip-list ip-grid-list" data-testid="grid-list" aria-label={t('inspector.map.grids')}>
            {(grids.data?.items ?? []).map((g) => (
              <li key={g.code} className="ip-card ip-stack">
                <span className="ip-task-title">{g.name}</span>
                <span className="ip-muted">{g.code}</span>
              </li>
            ))}
          </ul>
        </section>
      );
      break;
    default:
      page = <TaskList tasks={tasks} waiting={waitingOrders} now={now} />;
  }
  const tab = (r: InspectorRoute, label: string, badge?: number) => (
    <a href={hrefFor(r)} className={route.page === r.page ? 'ip-tab ip-tab-on' : 'ip-tab'} aria-current={route.page === r.page ? 'page' : undefined} data-testid={`tab-${r.page}`}>
      {label}
      {badge ? <span className="ip-badge">{badge}</span> : null}
    </a>
  );
  return (
    <>
      <header className="ip-header">
        <span className="ip-brand">{t('inspector.brand')}</span>
        <span className={online ? 'ip-net' : 'ip-net ip-net-off'} role="status" data-testid="net-state">
          {online ? t('inspector.net.online') : t('inspector.net.offline')}
        </span>
        <span className="ip-who">{me.user.displayName}</span>
        <LanguageButton />
        <button type="button" className="ip-chip" onClick={onSignOut}>
          {t('inspector.signout')}
        </button>
      </header>
      {(waitingCount > 0 || failedCount > 0) && (
        <a className="ip-banner" href={hrefFor({ page: 'queue' })} data-testid="queue-banner">
          {failedCount > 0 ? t('inspector.queue.bannerFailed', { n: failedCount }) : t('inspector.queue.banner', { n: waitingCount })}
        </a>
      )}
      <main className="ip-main" id="main">
        {page}
      </main>
      <nav className="ip-tabs" aria-label={t('inspector.nav')}>
        {tab({ page: 'tasks' }, t('inspector.tab.tasks'), openTasks.length)}
        {tab({ page: 'report' }, t('inspector.tab.report'))}
        {tab({ page: 'map' }, t('inspector.tab.map'))}
        {tab({ page: 'queue' }, t('inspector.tab.queue'), queued.length)}
      </nav>
    </>
  );
}

export function InspectorApp() {
  const { t } = useTranslation();
  const [me, setMe] = useState<Me | null | 'loading' | 'offline'>('loading');
  const refresh = useCallback(async () => {
    try {
      setMe(await api.get<Me>('/api/v1/auth/me'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setMe(null);
      else {
        // Offline at start: the last signed-in user, so queued work and cached tasks stay usable.
        const last = localStorage.getItem('cg.inspector.me');
        setMe(last ? (JSON.parse(last) as Me) : 'offline');
      }
    }
  }, []);
  useEffect(() => {
    setUnauthenticatedHandler(() => setMe(null));
    void refresh();
    return () => setUnauthenticatedHandler(null);
  }, [refresh]);
  useEffect(() => {
    if (me && typeof me === 'object') localStorage.setItem('cg.inspector.me', JSON.stringify(me));
  }, [me]);
  const signOut = async () => {
    await api.post('/api/v1/auth/logout').catch(() => undefined);
    localStorage.removeItem('cg.inspector.me');
    setMe(null);
  };

  if (me === 'loading') return <p role="status">{t('inspector.loading')}</p>;
  if (me === 'offline') return <p className="ip-error">{t('inspector.net.offlineNoUser')}</p>;
  if (me === null) {
    return (
      <>
        <header className="ip-header">
          <span className="ip-brand">{t('inspector.brand')}</span>
          <LanguageButton />
        </header>
        <SignIn onDone={() => void refresh()} />
      </>
    );
  }
  if (!me.permissions.includes('inspector.patrol')) {
    return (
      <main className="ip-main" id="main">
        <p className="ip-card ip-error" role="alert">
          {t('inspector.notInspector')}
        </p>
        <button type="button" className="ip-button" onClick={() => void signOut()}>
          {t('inspector.signout')}
        </button>
      </main>
    );
  }
  return <Patrol me={me} onSignOut={() => void signOut()} />;
}
