/**
 * 知识库管理 end to end, in headless Chromium against a real demo server: the steward (数据管理员) writes an article —
 * the form refuses what the server would refuse before sending anything — and publishes it; the agent finds it in the
 * hotline console's knowledge search; the steward archives it (with a confirmation) and the agent is no longer offered
 * it; then someone else saves the article while the steward is typing: the save is refused (409), the page says so,
 * and loading the latest version keeps what the steward typed and the other editor's change. A steward scoped to one
 * department gets the page read-only, told why, with nothing to change. The archived article goes back to draft, and
 * the editor lists its versions (版本记录) and shows what each changed, in both languages. axe on each screen;
 * screenshots in web/e2e/screenshots/knowledge-*.png.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { apiCall, apiStaff, expectAccessible, signIn, useE2e, type ApiStaff } from './e2e-support.js';
import type { ArticleDetailView, ArticleVersionView, ArticleView } from '@civicgrid/contracts/knowledge';

const env = useE2e();
let steward: BrowserContext;
let agent: BrowserContext;
let page: Page;
let agentPage: Page;
let admin: ApiStaff;

/** Unique per run (E2E_BASE_URL may point at a server that keeps its data). */
const STAMP = String(Date.now()).slice(-6);
const TITLE = `燃气表换电池 ${STAMP}`;
const QUERY = '燃气表电池';

/** An API call as the administrator (setting up and checking what the pages did). */
const call = <T>(method: string, path: string, body?: unknown): Promise<T> => apiCall<T>(env.base, admin, method, path, body);

async function articleByTitle(): Promise<ArticleView> {
  const list = await call<{ items: ArticleView[] }>('GET', `/knowledge/articles?q=${encodeURIComponent(TITLE)}&limit=5`);
  const hit = list.items.filter((a) => a.title === TITLE);
  expect(hit, `one article titled ${TITLE}`).toHaveLength(1);
  return hit[0]!;
}

/** The titles the hotline console's knowledge panel offers the agent for `q`. */
async function agentSees(q: string): Promise<string[]> {
  await agentPage.goto(`${env.base}/console/hotline`);
  await agentPage.getByTestId('hotline-phone').waitFor();
  await agentPage.locator('#hotline-kb-search').fill(q);
  await agentPage.locator('[data-testid="hotline-knowledge"][data-current="true"]').waitFor({ timeout: 15_000 });
  return (await agentPage.getByTestId('hotline-kb-article').locator('h3').allTextContents()).map((s) => s.trim());
}

/** Closes a select's popup by clicking the drawer's title (Escape would close the drawer). */
async function closePopups(drawer: Locator): Promise<void> {
  await drawer.locator('.ant-drawer-title').click();
  await expect.poll(() => drawer.page().locator('.ant-select-dropdown:visible').count(), { timeout: 10_000 }).toBe(0);
}

/**
 * Picks a category in the editor's tree select by its name; checks the field shows it (under load a click can land
 * before the popup is ready: then it tries again).
 */
async function pickCategory(d: Locator, name: string): Promise<void> {
  const select = d.getByTestId('kb-category');
  const popup = page.locator('.ant-select-dropdown:visible:not(.ant-slide-up-leave)');
  for (let attempt = 0; ; attempt++) {
    // Each step with a short wait of its own: a click that did not open the popup, or an option that moved while the
    // drawer scrolled, is tried again from a closed popup rather than waited on for the test's whole time.
    try {
      await select.click({ timeout: 5_000 });
      await popup.waitFor({ timeout: 5_000 });
      await select.getByRole('combobox').first().fill(name, { timeout: 5_000 });
      await popup.locator('.ant-select-tree-title', { hasText: new RegExp(`^${name}$`) }).first().click({ timeout: 5_000 });
      await closePopups(d);
      await expect.poll(async () => (await select.textContent()) ?? '', { timeout: 3_000 }).toContain(name);
      return;
    } catch (e) {
      if (attempt >= 4) throw e;
      await closePopups(d).catch(() => undefined);
    }
  }
}

/** Types a day into a DayPicker and confirms it with Enter. */
async function typeDay(input: Locator, day: string): Promise<void> {
  await input.click();
  await input.fill(day);
  await input.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(day);
}

const drawer = () => page.getByTestId('kb-editor');
const fieldError = (id: string) => drawer().locator(`#${id}_help`);

beforeAll(async () => {
  admin = await apiStaff(env.base, 'admin');
  steward = await env.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  agent = await env.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  page = await steward.newPage();
  agentPage = await agent.newPage();
  await signIn(page, env.base, 'steward');
  await signIn(agentPage, env.base, 'agent');
}, 240_000);

afterAll(async () => {
  await steward?.close();
  await agent?.close();
});

describe('knowledge base administration (steward) and the hotline search (agent)', () => {
  it('writes an article, checked before sending, and publishes it', async () => {
    // A fresh page (a retry must not find the first try's editor still open over the menu).
    await page.goto(`${env.base}/console`);
    // Only editors have the page: the agent's menu does not offer it.
    expect(await agentPage.getByTestId('console-nav').getByText('知识库管理').count()).toBe(0);
    await page.getByTestId('console-nav').getByText('知识库管理').click();
    await page.getByTestId('kb-table').locator('tbody tr.ant-table-row').first().waitFor({ timeout: 30_000 });
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await expectAccessible(page, 'the knowledge base list');
    await screenshot(page, 'knowledge-list');

    await page.getByTestId('kb-new').click();
    const d = drawer();
    await d.getByTestId('kb-title').waitFor();
    await expect.poll(() => page.evaluate<string | null>("document.activeElement ? document.activeElement.getAttribute('data-testid') : null")).toBe('kb-title');
    await page.keyboard.type(TITLE);
    await d.getByTestId('kb-question').fill('家里的燃气表显示电量低，电池怎么换？');
    await d.getByTestId('kb-answer').fill('燃气表电池可自行更换：关闭表前阀门，打开表盖换上两节 5 号碱性电池，再打开阀门。\n\n如表仍提示电量低，请拨打燃气公司客服热线预约上门。');
    await d.getByTestId('kb-agency').fill('市燃气公司');
    // Typed into the tag box itself: under load a click may not have moved the focus yet, and the keyboard would
    // then type into the title.
    await d.locator('#kb_tags').fill('燃气表');
    await d.locator('#kb_tags').press('Enter');
    await expect.poll(() => d.getByTestId('kb-tags').locator('.ant-select-selection-item').allTextContents()).toEqual(['燃气表']);
    expect(await d.getByTestId('kb-title').inputValue()).toBe(TITLE);
    // Out of the tag box (a click on the drawer's title), as a person moving on to the next field.
    await closePopups(d);
    // The category from the category tree.
    await pickCategory(d, '燃气');
    // What the server would refuse is refused here, in words, and nothing is sent.
    let writes = 0;
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/knowledge/articles') && r.method() !== 'GET') writes++;
    });
    await typeDay(d.locator('#kb_validFrom'), '2026-03-01');
    await typeDay(d.locator('#kb_validTo'), '2026-02-01');
    await d.getByTestId('kb-source-url').fill('ftp://gas.example.gov.cn/battery');
    await d.getByTestId('kb-save-publish').click();
    await expect.poll(() => fieldError('kb_validTo').textContent()).toBe('失效日期（2026-02-01）不能早于生效日期（2026-03-01）');
    await expect.poll(() => fieldError('kb_sourceUrl').textContent()).toContain('http:// 或 https://');
    expect(writes).toBe(0);
    await expectAccessible(page, 'the article form with errors');
    await screenshot(page, 'knowledge-new-invalid');

    await typeDay(d.locator('#kb_validFrom'), '2020-01-01');
    await typeDay(d.locator('#kb_validTo'), '2099-12-31');
    await d.getByTestId('kb-source-url').fill('https://gas.example.gov.cn/battery');
    await expect.poll(() => fieldError('kb_validTo').count()).toBe(0);
    await d.getByTestId('kb-save-publish').click();
    // The drawer now shows the saved article.
    await expect.poll(() => d.getByTestId('kb-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('published');
    expect(await d.getByTestId('kb-version').textContent()).toBe('第 1 版');
    const saved = await articleByTitle();
    expect(saved).toMatchObject({
      question: '家里的燃气表显示电量低，电池怎么换？',
      categoryCode: 'utilities.gas',
      agency: '市燃气公司',
      tags: ['燃气表'],
      validFrom: '2020-01-01',
      validTo: '2099-12-31',
      status: 'published',
      version: 1,
    });
    expect(saved.answer).toContain('\n\n如表仍提示电量低');
    await expectAccessible(page, 'the published article');
    await screenshot(page, 'knowledge-published');
  });

  it('is offered to the agent in the hotline console’s knowledge search', async () => {
    const titles = await agentSees(QUERY);
    expect(titles).toContain(TITLE);
  });

  it('is archived after a confirmation and no longer offered to the agent', async () => {
    const d = drawer();
    await d.getByTestId('kb-archive').click();
    const confirm = page.locator('.ant-modal-confirm').filter({ hasText: '归档后' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(TITLE);
    await expectAccessible(page, 'the archive confirmation');
    await confirm.getByRole('button', { name: /归\s*档/ }).click();
    await expect.poll(() => d.getByTestId('kb-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('archived');
    expect((await articleByTitle()).status).toBe('archived');
    // The list shows it archived too (filter by status and search).
    expect(await d.getByTestId('kb-restore').count()).toBe(1);

    const titles = await agentSees(QUERY);
    expect(titles).not.toContain(TITLE);
  });

  it('says so when someone else saved first, and keeps what was typed', async () => {
    const d = drawer();
    const before = await articleByTitle();
    const mine = '燃气表电池请使用 5 号碱性电池，不要使用充电电池。';
    await d.getByTestId('kb-answer').fill(mine);
    // Meanwhile the administrator changes the agency.
    await call('PATCH', `/knowledge/articles/${before.id}`, { version: before.version, agency: '市燃气集团' });
    // Scrolled down to the end of the form, as after typing a long answer.
    // (A function, not a string: playwright-core evaluates a string as an expression and never calls the arrow in it.)
    await d.locator('.ant-drawer-body').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    expect(await d.locator('.ant-drawer-body').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await d.getByTestId('kb-save').click();
    const notice = d.getByTestId('kb-conflict');
    await expect.poll(() => notice.textContent(), { timeout: 15_000 }).toContain('其他人已先保存了这个条目');
    // The notice above the form is brought into view.
    await expect.poll(async () => (await notice.boundingBox())?.y ?? -1).toBeGreaterThanOrEqual(0);
    expect(await d.getByTestId('kb-answer').inputValue()).toBe(mine);
    await expectAccessible(page, 'the conflict notice');
    await screenshot(page, 'knowledge-conflict');

    await d.getByTestId('kb-conflict-reload').click();
    await expect.poll(() => notice.textContent()).toContain(`已载入第 ${before.version + 1} 版`);
    expect(await notice.textContent()).toContain('对方修改了：承办单位');
    expect(await d.getByTestId('kb-answer').inputValue()).toBe(mine);
    expect(await d.getByTestId('kb-agency').inputValue()).toBe('市燃气集团');
    await d.getByTestId('kb-save').click();
    await page.locator('.ant-message').getByText(`已保存（第 ${before.version + 2} 版）`).waitFor({ timeout: 15_000 });
    const after = await articleByTitle();
    expect(after).toMatchObject({ answer: mine, agency: '市燃气集团', version: before.version + 2 });
  });

  it('shows a steward scoped to one department the base read-only, saying why, with nothing to change', async () => {
    // Articles belong to the whole jurisdiction (knowledge.policy.ts): a department-scoped steward reads every article,
    // drafts and versions too, but the server refuses each of their writes — so the page offers none.
    const departmentId = (await apiStaff(env.base, 'steward')).departmentId!;
    const username = `kb-scoped-${STAMP}`;
    const password = 'Kb-scoped-Pass-2026!';
    const exists = await call<{ items: { username: string }[] }>('GET', `/users?q=${username}`).then(
      (r) => r.items.some((u) => u.username === username),
      () => false,
    );
    if (!exists) {
      await call('POST', '/users', { username, displayName: '部门数据管理员', password, departmentId, grants: [{ role: 'steward', scope: { kind: 'department', departmentId } }], mustChangePassword: false });
    }
    const scoped = await env.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    try {
      const p = await scoped.newPage();
      await signIn(p, env.base, username, password);
      await p.goto(`${env.base}/console`);
      await p.getByTestId('console-nav').getByText('知识库管理').click();
      const notice = p.getByTestId('kb-read-only');
      await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toContain('只读：您不能修改知识库');
      expect(await notice.textContent()).toContain('只有授权范围为全辖区的数据管理员或系统管理员可以新建、修改、发布和归档条目');
      expect(await p.getByTestId('kb-new').count()).toBe(0);
      await p.locator('#kb-search').fill(TITLE);
      await p.locator('#kb-search').press('Enter');
      const row = p.getByTestId('kb-table').locator('tbody tr.ant-table-row').filter({ hasText: TITLE });
      await row.getByRole('button', { name: `查看“${TITLE}”` }).click();
      const d = p.getByTestId('kb-editor');
      await expect.poll(() => d.getByTestId('kb-agency').inputValue(), { timeout: 15_000 }).toBe('市燃气集团');
      expect(await d.locator('.ant-drawer-title').textContent()).toBe('查看知识条目');
      // Every field is disabled, and the footer offers only 关闭: no save, no publish, archive or restore.
      expect(await d.getByTestId('kb-agency').isDisabled()).toBe(true);
      expect(await d.getByTestId('kb-answer').isDisabled()).toBe(true);
      for (const id of ['kb-save', 'kb-publish', 'kb-archive', 'kb-restore', 'kb-unarchive']) expect(await d.getByTestId(id).count(), id).toBe(0);
      expect(await d.getByTestId('kb-close').count()).toBe(1);
      await d.getByTestId('kb-versions').waitFor();
      await expectAccessible(p, 'the knowledge base, read-only');
      await screenshot(p, 'knowledge-read-only');
      await d.getByTestId('kb-close').click();
      await d.waitFor({ state: 'hidden' });
      expect(await p.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    } finally {
      await scoped.close();
    }
  });

  it('lists it by search and status, with the page fitting 1366 px', async () => {
    await page.getByTestId('kb-editor').locator('.ant-drawer-close').click();
    await page.getByTestId('kb-editor').waitFor({ state: 'hidden' });
    await page.locator('#kb-search').fill(QUERY);
    await page.locator('#kb-search').press('Enter');
    await page.locator('#kb-status-filter').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '已归档' }).click();
    await expect.poll(() => page.getByTestId('kb-table').locator('tbody tr.ant-table-row').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('kb-table').getByTestId('kb-status').evaluateAll((tags) => tags.map((t) => t.getAttribute('data-status')))).not.toContain('published');
    const row = page.getByTestId('kb-table').locator('tbody tr.ant-table-row').filter({ hasText: TITLE });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getByTestId('kb-status').textContent()).toBe('已归档');
    expect(await row.textContent()).toContain('2020-01-01 至 2099-12-31');
    expect(await row.textContent()).toContain('市燃气集团');
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await expectAccessible(page, 'the knowledge base list, searched');
  });

  it('takes the archived article back to draft, and lists its versions: who saved each, when, in which status, what it changed', async () => {
    // From the list (a fresh page: whatever an earlier test left open does not matter); archived first if a retry
    // finds it already back at draft.
    let article = await articleByTitle();
    if (article.status !== 'archived') await call('POST', `/knowledge/articles/${article.id}/archive`, {});
    await page.goto(`${env.base}/console/knowledge`);
    await page.locator('#kb-search').fill(TITLE);
    await page.locator('#kb-search').press('Enter');
    await page.getByTestId('kb-table').locator('tbody tr.ant-table-row').filter({ hasText: TITLE }).getByTestId('kb-open').click();
    const d = drawer();
    await expect.poll(() => d.getByTestId('kb-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('archived');

    // 版本记录: the current version first, then each kept one, as the API stores them.
    article = await articleByTitle();
    const detail = (await call<{ article: ArticleDetailView & { versions: ArticleVersionView[] } }>('GET', `/knowledge/articles/${article.id}`)).article;
    expect(detail.versions.length).toBeGreaterThanOrEqual(2);
    const status = { draft: '草稿', published: '已发布', archived: '已归档' } as Record<string, string>;
    const rows = d.getByTestId('kb-versions-table').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(detail.versions.length + 1);
    const cells = async (i: number) => (await rows.nth(i).locator('td').allTextContents()).map((c) => c.trim());
    const current = await cells(0);
    expect(current[0]).toBe(`第 ${detail.version} 版（当前）`);
    expect(current[1]).toBe(detail.updatedBy);
    expect(current[3]).toBe('已归档');
    for (const [i, v] of detail.versions.entries()) {
      const row = await cells(i + 1);
      expect(row[0]).toBe(`第 ${v.version} 版`);
      expect(row[1]).toBe(v.editedBy ?? '系统');
      expect(row[2]).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
      expect(row[3]).toBe(v.status ? status[v.status] : '—');
    }
    // The version 1 was published, then archived: it was replaced while archived.
    expect(detail.versions.at(-1)).toMatchObject({ version: 1, status: 'archived' });

    // An archived article offers both: publish again, or back to draft to rework it first.
    expect(await d.getByTestId('kb-restore').count()).toBe(1);
    await d.getByTestId('kb-unarchive').click();
    const confirm = page.locator('.ant-modal-confirm').filter({ hasText: '退回草稿后' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(TITLE);
    await confirm.getByRole('button', { name: '退回草稿' }).click();
    await expect.poll(() => d.getByTestId('kb-status').getAttribute('data-status'), { timeout: 15_000 }).toBe('draft');
    expect((await articleByTitle()).status).toBe('draft');
    await expect.poll(() => d.getByTestId('kb-versions-table').locator('tbody tr.ant-table-row').first().locator('td').nth(3).textContent()).toBe('草稿');
    // A draft is published or archived from here, as any draft.
    expect(await d.getByTestId('kb-publish').count()).toBe(1);
    await d.getByTestId('kb-versions').scrollIntoViewIfNeeded();
    await expectAccessible(page, 'the article back at draft, with its versions');
    await screenshot(page, 'knowledge-versions');

    // What each version changed. The current one: the steward's answer (saved after the conflict above) — the old
    // text struck through, the new underlined; each reads back whole without the other's marks.
    const [previous, older] = detail.versions;
    const toggle = (i: number) => rows.nth(i).getByTestId('kb-version-changes-toggle');
    await toggle(0).click();
    const panel = d.locator(`#kb-version-changes-${detail.version}`);
    await panel.waitFor();
    expect(await toggle(0).getAttribute('aria-expanded')).toBe('true');
    expect(await panel.getByRole('heading').textContent()).toBe(`第 ${detail.version} 版改了什么（与第 ${previous!.version} 版相比）`);
    expect(await panel.locator('dt').allTextContents()).toEqual(['答复口径']);
    const readWithout = (marks: 'ins' | 'del') =>
      panel.getByTestId('kb-diff-text').evaluate((el, drop) => {
        const copy = el.cloneNode(true);
        copy.querySelectorAll(`${drop}, .kb-visually-hidden, .kb-diff-newline`).forEach((n: { remove(): void }) => n.remove());
        return copy.textContent;
      }, marks);
    expect(await readWithout('ins')).toBe(previous!.answer);
    expect(await readWithout('del')).toBe(detail.answer);
    // Marked for screen readers too, not by colour alone.
    expect(await panel.locator('del .kb-visually-hidden').first().textContent()).toBe('［删除：');
    expect(await panel.locator('ins .kb-visually-hidden').first().textContent()).toBe('［新增：');
    // The one before: the administrator's change of the agency; the first: nothing to compare with.
    await toggle(1).click();
    const agency = d.locator(`#kb-version-changes-${previous!.version}`).getByTestId('kb-change-agency');
    expect(await agency.textContent()).toBe(`承办单位修改前：${older!.agency}修改后：${previous!.agency}`);
    await toggle(detail.versions.length).click();
    expect(await d.locator('#kb-version-changes-1').getByRole('heading').textContent()).toBe('第 1 版：初始版本');
    await panel.scrollIntoViewIfNeeded();
    await expectAccessible(page, 'what each version changed');
    await screenshot(page, 'knowledge-version-changes');

    // In English (the language is switched in the header, behind the drawer), then back.
    await d.getByTestId('kb-close').click();
    await d.waitFor({ state: 'hidden' });
    await page.getByTestId('language-switch').click();
    try {
      await page.getByTestId('kb-table').locator('tbody tr.ant-table-row').filter({ hasText: TITLE }).getByTestId('kb-open').click();
      await rows.first().waitFor({ timeout: 15_000 });
      // Once the drawer has put the focus on the title (which scrolls it to the top), not before.
      await expect.poll(() => page.evaluate<string | null>("document.activeElement ? document.activeElement.getAttribute('data-testid') : null")).toBe('kb-title');
      await toggle(0).click();
      await expect.poll(() => panel.getByRole('heading').textContent()).toBe(`What version ${detail.version} changed (compared with version ${previous!.version})`);
      expect(await panel.locator('dt').allTextContents()).toEqual(['Answer']);
      expect(await panel.locator('del .kb-visually-hidden').first().textContent()).toBe('[removed: ');
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, 'knowledge-version-changes-en');
    } finally {
      // Back to Chinese whatever happened (the choice is stored: a retry reads this page again).
      if (await d.isVisible()) await d.getByTestId('kb-close').click();
      await d.waitFor({ state: 'hidden' });
      await page.getByTestId('language-switch').click();
    }
  });
});
