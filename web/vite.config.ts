/**
 * Three entries so the phone pages stay small: the resident portal (`/`, no Ant Design), the staff console
 * (`/console/`) and the inspectors' patrol app (`/inspector/`, no Ant Design). The server serves `dist/`
 * (server/src/modules/web); `npm run dev -w web` proxies the
 * API to a server on :8080.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));
const api = process.env.CIVICGRID_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // maplibre-gl alone is ~800 kB minified; it is loaded lazily, so the warning says nothing useful.
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      input: {
        resident: path.join(root, 'index.html'),
        console: path.join(root, 'console/index.html'),
        inspector: path.join(root, 'inspector/index.html'),
      },
    },
  },
  server: {
    proxy: { '/api': api, '/healthz': api, '/readyz': api },
  },
});
