import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startI18n } from '../shared/i18n';
import './inspector.css';
import { InspectorApp } from './InspectorApp';
import { catalogs } from './locale-catalog';

startI18n(catalogs);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <InspectorApp />
  </StrictMode>,
);
