import { Result, Spin } from 'antd';
import { lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth';
import { ConsoleLayout } from './ConsoleLayout';
import { visiblePages } from './nav';
import { AccountPage } from './pages/AccountPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { DepartmentsPage } from './pages/DepartmentsPage';
import { LoginPage } from './pages/LoginPage';
import { OverviewPage } from './pages/OverviewPage';
import { UsersPage } from './pages/UsersPage';

// Feature pages load on first visit (each its own chunk), so the console's first load stays small.
const HotlinePage = lazy(() => import('./hotline/HotlinePage').then((m) => ({ default: m.HotlinePage })));
const PerformancePage = lazy(() => import('./performance/PerformancePage').then((m) => ({ default: m.PerformancePage })));
const StatsPage = lazy(() => import('./stats/StatsPage').then((m) => ({ default: m.StatsPage })));
const CategoriesPage = lazy(() => import('./work-order-admin/CategoriesPage').then((m) => ({ default: m.CategoriesPage })));
const RulesPage = lazy(() => import('./work-order-admin/RulesPage').then((m) => ({ default: m.RulesPage })));
const SettingsPage = lazy(() => import('./work-order-admin/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const KnowledgeAdminPage = lazy(() => import('./knowledge/KnowledgeAdminPage').then((m) => ({ default: m.KnowledgeAdminPage })));
const PeersPage = lazy(() => import('./federation/PeersPage').then((m) => ({ default: m.PeersPage })));
const Open311ConfigPage = lazy(() => import('./open311/Open311ConfigPage').then((m) => ({ default: m.Open311ConfigPage })));
const DispatchBoardPage = lazy(() => import('./work-orders/DispatchBoardPage').then((m) => ({ default: m.DispatchBoardPage })));
const InboxPage = lazy(() => import('./work-orders/InboxPage').then((m) => ({ default: m.InboxPage })));
const WorkOrderDetailPage = lazy(() => import('./work-orders/WorkOrderDetailPage').then((m) => ({ default: m.WorkOrderDetailPage })));
const WorkOrderListPage = lazy(() => import('./work-orders/WorkOrderListPage').then((m) => ({ default: m.WorkOrderListPage })));
const EvaluationPage = lazy(() => import('./pages/EvaluationPage').then((m) => ({ default: m.EvaluationPage })));
const ComponentsPage = lazy(() => import('./components/ComponentsPage').then((m) => ({ default: m.ComponentsPage })));
const GridsPage = lazy(() => import('./grids/GridsPage').then((m) => ({ default: m.GridsPage })));
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })));
const MessagesPage = lazy(() => import('./messages/MessagesPage').then((m) => ({ default: m.MessagesPage })));

const ELEMENTS: Record<string, React.ReactNode> = {
  overview: <OverviewPage />,
  users: <UsersPage />,
  departments: <DepartmentsPage />,
  apiKeys: <ApiKeysPage />,
  audit: <AuditPage />,
  evaluation: <EvaluationPage />,
  hotline: <HotlinePage />,
  workOrders: <WorkOrderListPage />,
  dispatchBoard: <DispatchBoardPage />,
  inbox: <InboxPage />,
  woStats: <StatsPage />,
  woCategories: <CategoriesPage />,
  woRules: <RulesPage />,
  woSettings: <SettingsPage />,
  knowledge: <KnowledgeAdminPage />,
  federation: <PeersPage />,
  open311: <Open311ConfigPage />,
  performance: <PerformancePage />,
  components: <ComponentsPage />,
  grids: <GridsPage />,
  messages: <MessagesPage />,
  account: <AccountPage />,
};

function NotFound() {
  const { t } = useTranslation();
  return <Result status="404" title={t('console.notFound.title')} subTitle={t('console.notFound.text')} />;
}

export function ConsoleRoutes() {
  const { me, loading } = useAuth();
  const location = useLocation();
  const { t } = useTranslation();
  if (loading) {
    return (
      <div style={{ padding: 48, textAlign: 'center' }}>
        <Spin aria-label={t('common.loading')} />
      </div>
    );
  }
  if (!me) {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: location.pathname }} />} />
      </Routes>
    );
  }
  // After an administrator's reset the server allows only me/password/logout until the password is changed.
  const pages = me.user.mustChangePassword ? visiblePages([]).filter((p) => p.key === 'account') : visiblePages(me.permissions, me.user.grants.map((g) => g.role));
  if (me.user.mustChangePassword && location.pathname !== '/account') return <Navigate to="/account" replace />;
  return (
    <Routes>
      <Route path="/login" element={<Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />} />
      <Route element={<ConsoleLayout pages={pages} />}>
        {pages.map((p) => (
          <Route key={p.key} path={p.path} element={ELEMENTS[p.key]} />
        ))}
        {pages.some((p) => p.key === 'workOrders') && <Route path="/work-orders/:id" element={<WorkOrderDetailPage />} />}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
