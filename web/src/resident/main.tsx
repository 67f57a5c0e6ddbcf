import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startI18n } from '../shared/i18n';
import '../shared/elder-mode';
import './resident.css';
import { ResidentApp } from './ResidentApp';
import { catalogs } from './locale-catalog';

startI18n(catalogs);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ResidentApp />
  </StrictMode>,
);
