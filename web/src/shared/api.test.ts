import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../locales/shared.en.json';
import zh from '../locales/shared.zh-CN.json';
import { withFieldErrors } from './api';

beforeAll(async () => {
  await i18next.init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zh }, en: { translation: en } }, interpolation: { escapeValue: false }, showSupportNotice: false });
});

const invalid = (...issues: Array<{ path: string; message: string }>) => ({ issues: issues.map((i) => ({ ...i, issue: 'too_big' })) });

describe('a refused request names the fields the server named', () => {
  it('adds each field and its problem (already in the UI language) to the message, without the request part', async () => {
    await i18next.changeLanguage('zh-CN');
    expect(withFieldErrors('请求参数不正确', invalid({ path: 'body.title', message: '最多 200 个字符' }))).toBe('请求参数不正确（title：最多 200 个字符）');
    await i18next.changeLanguage('en');
    expect(withFieldErrors('The request is invalid', invalid({ path: 'querystring.limit', message: 'Must be at most 100' }))).toBe('The request is invalid (limit: Must be at most 100)');
  });

  it('names three and counts the rest', async () => {
    await i18next.changeLanguage('zh-CN');
    const four = invalid(
      { path: 'body.a', message: '必填' },
      { path: 'body.b', message: '必填' },
      { path: 'body.c.0', message: '不能为空' },
      { path: 'body.d', message: '必填' },
    );
    expect(withFieldErrors('请求参数不正确', four)).toBe('请求参数不正确（a：必填；b：必填；c.0：不能为空；另有 1 处）');
  });

  it('leaves other messages as they are', () => {
    expect(withFieldErrors('工单已被他人修改', { current: 'dispatched' })).toBe('工单已被他人修改');
    expect(withFieldErrors('工单已被他人修改', undefined)).toBe('工单已被他人修改');
    expect(withFieldErrors('请求参数不正确', { issues: [] })).toBe('请求参数不正确');
  });
});
