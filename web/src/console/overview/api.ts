/** GET /api/v1/work-orders/overview (figures defined in server/src/modules/work-orders/overview.ts). */
import { api } from '../../shared/api';
import type { Overview } from './model';

export const overviewApi = {
  get: () => api.get<Overview>('/api/v1/work-orders/overview'),
};
