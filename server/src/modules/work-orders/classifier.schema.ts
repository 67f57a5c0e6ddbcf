/** Request and response shapes of the category suggestion endpoints. */
import { z } from 'zod';
import { MAX_CLASSIFY_TEXT } from './classifier.service.js';

export const classifyBody = z.strictObject({
  text: z.string().min(1).max(MAX_CLASSIFY_TEXT).describe("The order's title and description (≤ 4,000 characters)"),
});

const suggestion = z.object({
  categoryCode: z.string(),
  confidence: z.number().min(0).max(1),
  alternatives: z.array(z.object({ categoryCode: z.string(), probability: z.number().min(0).max(1) })),
  modelVersion: z.number().int(),
});

export const classifyResponse = z.object({ suggestion: suggestion.nullable().describe('null when the jurisdiction has no trained model') });

export const modelsResponse = z.object({
  items: z.array(
    z.object({
      version: z.number().int(),
      kind: z.string(),
      labels: z.array(z.string()),
      active: z.boolean(),
      trainedAt: z.string(),
      activatedAt: z.string().nullable(),
      metrics: z.record(z.string(), z.unknown()),
    }),
  ),
});
