/**
 * `civicgrid messages latest`: with the recording notifier nothing reaches a phone, so the operator reads what
 * would have been sent — the latest message to one number, audited with its purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/ops/command.js';
import { COMMANDS } from '../src/ops/commands.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { makeJurisdiction } from './factories.js';

let t: TestApp;
let j: string;

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
});
afterAll(async () => {
  await t?.close();
});

const requestCode = (phone: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/phone/code', payload: { phone, jurisdiction: j }, remoteAddress: '10.77.0.1' });

describe('messages latest', () => {
  it('prints the latest message to that number alone on stdout, and audits the read', async () => {
    expect((await requestCode('13800138000')).statusCode).toBeLessThan(300);
    const result = await runCommand(t.ctx, COMMANDS, 'messages latest', { phone: '+86 138-0013-8000', jurisdiction: j }, { locale: 'en', actor: systemActor('cli:test') });
    expect(result.exitCode).toBe(0);
    const code = /\d{6}/.exec(result.stdout)?.[0];
    expect(code).toBeDefined();
    // The code works: the operator could relay it to the resident.
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/phone/login', payload: { phone: '13800138000', code, jurisdiction: j }, remoteAddress: '10.77.0.2' });
    expect(login.statusCode).toBe(200);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'purpose', 'actor_name']).where('action', '=', 'message.read').execute();
    expect(audit).toEqual([{ action: 'message.read', purpose: expect.stringContaining('operator'), actor_name: 'cli:test' }]);
  });

  it('answers a number without messages and an invalid number with clear errors', async () => {
    const none = await runCommand(t.ctx, COMMANDS, 'messages latest', { phone: '13900139000', jurisdiction: j }, { locale: 'en', actor: systemActor('cli:test') });
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('No message was sent to that number');
    const bad = await runCommand(t.ctx, COMMANDS, 'messages latest', { phone: '12345', jurisdiction: j }, { locale: 'en', actor: systemActor('cli:test') });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain('not valid');
  });
});
