/**
 * 消息记录 in the console: an administrator reads the outbox — channel, masked recipient, delivery state with
 * attempts and the last error — and filters it by channel. axe on the page; screenshot in
 * web/e2e/screenshots/messages-*.png.
 */
import { describe, expect, it } from 'vitest';
import { screenshot } from '../../web/e2e/browser.js';
import { RecordingNotifier } from '../src/modules/messages/index.js';
import { expectAccessible, signIn, useE2e } from './e2e-support.js';

const env = useE2e();

describe('console messages (outbox)', () => {
  it('shows an administrator the messages with channel, masked recipient and delivery state, filtered by channel', async () => {
    if (!env.local) return; // Writes the messages it reads: needs its own server.
    const ctx = env.server!.ctx;
    const jurisdictionId = env.server!.demo!.jurisdictionId;
    await ctx.db.transaction().execute(async (tx) => {
      const notifier = new RecordingNotifier(ctx.config.secretKey);
      await notifier.send(tx, { jurisdictionId, channel: 'email', to: 'wang.wu@example.org', body: '【成都12345】工单 CD20261122000001 已登记。', purpose: 'work_order_update', subject: '工单 CD20261122000001 办理进度' });
      await notifier.send(tx, { jurisdictionId, channel: 'wechat', to: 'oWx_e2e_abcdefghijkl', body: '【成都12345】工单 CD20261122000002 已办结。', purpose: 'work_order_update' });
    });
    await ctx.db.updateTable('outbound_messages').set({ status: 'failed', attempts: 3, last_error: 'wechat errcode 43004: refused' }).where('recipient_masked', '=', 'oWx_****ijkl').execute();

    const context = await env.browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await signIn(page, env.base, 'admin');
    await page.getByTestId('console-nav').getByText('消息记录').click();
    const table = page.getByTestId('messages-table');
    await expect.poll(() => table.locator('tbody tr', { hasText: 'oWx_****ijkl' }).count(), { timeout: 20_000 }).toBe(1);
    const failed = table.locator('tbody tr', { hasText: 'oWx_****ijkl' });
    await expect.poll(() => failed.innerText()).toContain('发送失败');
    expect(await failed.innerText()).toContain('已尝试 3 次');
    expect(await failed.innerText()).toContain('errcode 43004');
    expect(await table.innerText()).toContain('w***@example.org');
    expect(await table.innerText()).not.toContain('wang.wu@example.org');
    await expectAccessible(page, 'messages');
    await screenshot(page, 'messages-list');

    await page.getByTestId('messages-channel').click();
    await page.locator('.ant-select-dropdown:visible').getByText('邮件', { exact: true }).click();
    await expect.poll(() => table.locator('tbody tr', { hasText: 'oWx_****ijkl' }).count(), { timeout: 20_000 }).toBe(0);
    expect(await table.innerText()).toContain('w***@example.org');
    await context.close();
  });
});
