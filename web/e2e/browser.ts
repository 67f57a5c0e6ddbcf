/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core
 * (`npx playwright install` cannot download browsers here). WebGL runs on SwiftShader, so the map renders
 * without a GPU. CHROMIUM_PATH overrides the binary.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

export const SCREENSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // WebGL for MapLibre without a GPU.
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  });
}

/**
 * A picture of the whole page for a person to look at. Not `fullPage: true`: Chromium's full-page capture may resize
 * the window to 1×1 px for a moment, and the console's responsive parts (breakpoints) then re-render — an open dialog
 * inside a responsive table lost its state that way. Instead the viewport is made as tall as the page (same width, so
 * no breakpoint changes) and set back afterwards.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  const viewport = page.viewportSize();
  const height = await page.evaluate('Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)');
  const tall = viewport ? Math.min(Math.max(Number(height), viewport.height), 8000) : 0;
  if (viewport && tall > viewport.height) await page.setViewportSize({ width: viewport.width, height: tall });
  try {
    await page.screenshot({ path: file });
  } finally {
    if (viewport && tall > viewport.height) await page.setViewportSize(viewport);
  }
  return file;
}

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * Waits (at most 3 s) for the page's finite CSS transitions and animations to end: a button fading from disabled to
 * enabled, a dropdown closing or a hover shade changing is a passing state, and axe measuring contrast in the middle
 * of it reports colours nobody reads. Endless animations (spinners) are not waited for.
 */
async function settled(page: Page): Promise<void> {
  // A string, not a function: this file is also compiled by the server's tsconfig, which has no DOM types.
  await page.evaluate(`(async () => {
    const finite = document.getAnimations().filter((a) => Number.isFinite(a.effect ? a.effect.getComputedTiming().endTime : Infinity));
    await Promise.race([Promise.allSettled(finite.map((a) => a.finished)), new Promise((resolve) => setTimeout(resolve, 3000))]);
  })()`);
}

/**
 * Serious and critical axe-core findings on the page as it is now (WCAG 2.1 A/AA rules). antd's toasts (message) are
 * left out: one closes by itself a few seconds after it opens, and when its fade-out starts while axe runs, axe measures
 * its text mid-fade (two CI runs met that); waiting for the fade before starting cannot help, it begins later.
 *
 * axe runs in the page itself (`setLegacyMode`, axe.run) and details only the violations (`resultTypes`): the default
 * (axe.runPartial, then axe.finishRun in a blank page opened beside the test's) serialised every passing node with its
 * selector, sent it all to Node and into that new page — 2.3–3.6 s a call against 0.5–0.9 s, with the same findings
 * and targets (compared on three console pages with a violation added; the pages have no iframes, the one thing only
 * the default checks across origins). `options()` replaces the options, so it comes before `withTags()`.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeFinding[]> {
  await settled(page);
  const result = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'] })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .exclude('.ant-message')
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}
