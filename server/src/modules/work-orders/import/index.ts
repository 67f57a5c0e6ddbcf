/** Import of historical records (`civicgrid import requests`): see import.service.ts. */
export { FORMATS, type ImportFormat } from './mapping.js';
export { importJurisdiction, importRequests, type ImportProgress, type ImportReport, type ImportRequestsOptions } from './import.service.js';
export { formatProgress } from './progress.js';
