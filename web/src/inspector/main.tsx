import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../shared/i18n';
import './inspector.css';
import { InspectorApp } from './InspectorApp';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <InspectorApp />
  </StrictMode>,
);
