#!/usr/bin/env -S node --min-semi-space-size=32 --max-semi-space-size=64
// Runs the TypeScript CLI through tsx's loader, so there is no separate build step for the server.
// V8's young generation (new objects): each of its two semi-spaces starts at 32 MB and may grow to 64 MB, where
// Node's default starts at 1 MB and stops at 16 MB. A request allocates tens of kilobytes that die young (a work-order
// create ≈ 70 KB), so with the default the young generation is collected very often: on the work-order bench
// (gcMsPerRequest) a create's collection time fell from 0.05–0.06 to 0.03 ms at 16 concurrent requests on a quiet
// machine, and from 0.11–0.15 to 0.04 ms at 128 on a busy one. Without a fixed start V8 grew the space in some runs only.
// The same flags are in package.json's start:demo and bench scripts; `node bin/civicgrid.js …` runs without them.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
