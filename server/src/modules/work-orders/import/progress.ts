/** One line of progress for a terminal: a bar by bytes, rows done, rows per second, and the counts so far. */
import type { ImportProgress } from './import.service.js';

const WIDTH = 24;

export function formatProgress(p: ImportProgress): string {
  const share = p.totalBytes > 0 ? Math.min(1, p.bytes / p.totalBytes) : 1;
  const filled = Math.round(share * WIDTH);
  const rate = p.elapsedMs > 0 ? Math.round((p.rows * 1000) / p.elapsedMs) : 0;
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(share * 100).toFixed(1).padStart(5)}% ` +
    `${p.rows.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s — ` +
    `${p.imported.toLocaleString('en-US')} imported, ${p.duplicates.toLocaleString('en-US')} duplicates, ${p.rejected.toLocaleString('en-US')} rejected`
  );
}
