/** The console frame: brand, role-aware menu, language switch, the signed-in user and sign-out. */
import { LogoutOutlined } from '@ant-design/icons';
import { Button, Grid, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth } from './auth';
import { LanguageSwitch } from './LanguageSwitch';
import type { ConsolePage } from './nav';

export function ConsoleLayout({ pages }: { pages: ConsolePage[] }) {
  const { t } = useTranslation();
  const { me, logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const current = pages.find((p) => (p.path === '/' ? location.pathname === '/' : location.pathname.startsWith(p.path)));
  const roles = [...new Set(me?.user.grants.map((g) => g.role) ?? [])];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="cg-header">
        <a className="cg-brand" href="/console/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
          <img src="/favicon.svg" alt="" />
          <span>{t('console.brand')}</span>
        </a>
        <div className="cg-header-tools">
          <LanguageSwitch />
          {screens.md && (
            <Typography.Text style={{ color: '#fff' }} data-testid="current-user">
              {me?.user.displayName} ({me?.user.username})
            </Typography.Text>
          )}
          <Button type="text" icon={<LogoutOutlined />} onClick={() => void logout().then(() => navigate('/login'))}>
            {t('console.logout')}
          </Button>
        </div>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={200} breakpoint="lg" collapsedWidth={0} theme="light" style={{ borderRight: '1px solid #eee' }}>
          <nav aria-label={t('console.navLabel')}>
            <Menu
              mode="inline"
              selectedKeys={current ? [current.key] : []}
              data-testid="console-nav"
              items={pages.map((p) => ({ key: p.key, icon: p.icon, label: t(p.label), onClick: () => navigate(p.path) }))}
            />
          </nav>
          <div style={{ padding: 12 }}>
            <Space size={[4, 4]} wrap aria-label={t('console.myRoles')}>
              {roles.map((r) => (
                <Tag key={r} color="blue">
                  {t(`roles.${r}`)}
                </Tag>
              ))}
            </Space>
          </div>
        </Layout.Sider>
        <Layout.Content className="cg-content">
          <main>
            {/* Feature pages are loaded on first visit (ConsoleRoutes.tsx). */}
            <Suspense
              fallback={
                <div style={{ padding: 48, textAlign: 'center' }}>
                  <Spin aria-label={t('common.loading')} />
                </div>
              }
            >
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
