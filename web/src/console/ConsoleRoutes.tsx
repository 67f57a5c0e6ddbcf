import { Result, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useAuth } from './auth';
import { ConsoleLayout } from './ConsoleLayout';
import { HotlinePage } from './hotline/HotlinePage';
import { visiblePages } from './nav';
import { PerformancePage } from './performance/PerformancePage';
import { StatsPage } from './stats/StatsPage';
import { CategoriesPage } from './work-order-admin/CategoriesPage';
import { RulesPage } from './work-order-admin/RulesPage';
import { DispatchBoardPage } from './work-orders/DispatchBoardPage';
import { InboxPage } from './work-orders/InboxPage';
import { WorkOrderDetailPage } from './work-orders/WorkOrderDetailPage';
import { WorkOrderListPage } from './work-orders/WorkOrderListPage';
import { AccountPage } from './pages/AccountPage';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { AuditPage } from './pages/AuditPage';
import { DepartmentsPage } from './pages/DepartmentsPage';
import { EvaluationPage } from './pages/EvaluationPage';
import { LoginPage } from './pages/LoginPage';
import { OverviewPage } from './pages/OverviewPage';
import { UsersPage } from './pages/UsersPage';

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
  performance: <PerformancePage />,
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
