/** Who may ask for a category suggestion (the staff who enter orders) and read the stored models' metrics. */
import { definePolicy } from '../identity/index.js';

export const classifierPolicy = definePolicy({
  'work_order.classify': ['agent', 'dispatcher', 'inspector', 'admin'],
  'work_order.classifier_read': ['admin'],
});
