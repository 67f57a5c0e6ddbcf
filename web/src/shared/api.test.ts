import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import en from '../locales/shared.en.json';
import zh from '../locales/shared.zh-CN.json';
import { ApiError, errorMessage, withFieldErrors } from './api';

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

describe('the request id, only where support can use it', () => {
  it('is added to a failure on the server side (5xx), not to a refusal the user can correct (413, 415, 409, 400)', async () => {
    await i18next.changeLanguage('zh-CN');
    expect(errorMessage(new ApiError(502, 'http_502', '服务器返回错误（502）', undefined, 'req-7'))).toBe('服务器返回错误（502） (请求编号: req-7)');
    expect(errorMessage(new ApiError(415, 'unsupported_media_type', '仅支持上传 JPEG、PNG、WebP 或 HEIC 格式的照片', undefined, 'req-8'))).toBe('仅支持上传 JPEG、PNG、WebP 或 HEIC 格式的照片');
    expect(errorMessage(new ApiError(413, 'too_large', '照片过大（上限 10 MB，即 10485760 字节）', { limit: 10485760, limitMb: 10 }, 'req-9'))).toBe('照片过大（上限 10 MB，即 10485760 字节）');
    expect(errorMessage(new ApiError(409, 'work_order.version_conflict', '工单已被他人修改', undefined, 'req-10'))).toBe('工单已被他人修改');
    // The server's 500 message names the request itself: not twice.
    expect(errorMessage(new ApiError(500, 'internal', '服务器内部错误（请求编号 req-11）', undefined, 'req-11'))).toBe('服务器内部错误（请求编号 req-11）');
  });
});
