import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { BrowserRouter } from 'react-router';
import { startI18n } from '../shared/i18n';
import { AuthProvider } from './auth';
import { ConsoleRoutes } from './ConsoleRoutes';
import './console.css';
import { catalogs } from './locale-catalog';

startI18n(catalogs);

function Root() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{
        // Darker than Ant Design's defaults so secondary text, links, tags and danger buttons meet WCAG AA contrast.
        token: {
          colorPrimary: '#0b5cad',
          colorLink: '#0b5cad',
          // Ant Design derives lighter hover shades; a hovered link or button must stay readable too.
          colorLinkHover: '#084a8c',
          colorLinkActive: '#063a6e',
          colorPrimaryHover: '#084a8c',
          colorPrimaryActive: '#063a6e',
          colorError: '#c0262d',
          colorSuccess: '#2f7a12',
          colorWarning: '#9a5b00',
          colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
          colorTextDescription: 'rgba(0, 0, 0, 0.68)',
          colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
          colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
          borderRadius: 6,
        },
      }}
    >
      <AntApp>
        <BrowserRouter basename="/console">
          <AuthProvider>
            <ConsoleRoutes />
          </AuthProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
