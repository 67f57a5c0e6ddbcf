/** Analysts build indicator systems, import data and run evaluations; leaders read the results. */
import { definePolicy } from '../identity/index.js';

export const evaluationPolicy = definePolicy({
  'evaluation.read': ['analyst', 'leader'],
  'evaluation.manage': ['analyst'],
  'evaluation.export': ['analyst', 'leader'],
});
