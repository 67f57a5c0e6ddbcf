/**
 * The hotline knowledge base: the mailbox letters imported (redacted, idempotent), Chinese search that finds the
 * right letter for a caller's paraphrase (AND, then OR), keyset paging, editing with versions and 409 on a
 * stale version, publish/archive and validity, use counts with audit, roles, the public 常见问题 search with its
 * per-address limit, and `civicgrid import knowledge`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importKnowledgeCsv, MAILBOX_CSV, seedDemoKnowledge } from '../src/modules/knowledge/index.js';
import { runCommand } from '../src/ops/command.js';
import { COMMANDS } from '../src/ops/commands.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
let steward: Session;
let agent: Session;
let leader: Session;
let handler: Session;
let deptSteward: Session;
let otherAdmin: Session;

type Method = 'GET' | 'POST' | 'PATCH';
const api = (s: Session | null, method: Method, url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...(s?.bearer ?? {}), 'accept-language': 'en' }, ...(payload ? { payload } : {}) });
const search = async (s: Session, q: string, extra = '') => {
  const res = await api(s, 'GET', `/knowledge/articles?q=${encodeURIComponent(q)}${extra}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { id: string; title: string; rank: number; agency: string | null; sourceUrl: string | null }[]; match: 'and' | 'or'; next: string | null };
};

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  const user = async (role: 'steward' | 'agent' | 'leader' | 'handler' | 'admin', jurisdictionId = j) =>
    loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId, grants: [{ role, scope: { kind: 'jurisdiction' } }] }));
  steward = await user('steward');
  agent = await user('agent');
  leader = await user('leader');
  handler = await user('handler');
  const dept = await makeDepartment(t.ctx.db, { jurisdictionId: j });
  deptSteward = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'steward', scope: { kind: 'department', departmentId: dept.id } }] }));
  otherAdmin = await user('admin', (await makeJurisdiction(t.ctx.db)).id);
  // The demo seed path: the whole mailbox, redacted, published, in one transaction.
  expect(await seedDemoKnowledge(t.ctx, j, systemActor('demo-seed', j))).toBeGreaterThan(1100);
}, 180_000);
afterAll(async () => {
  await t?.close();
});

describe('the mailbox letters', () => {
  it('are imported once: a second seed or import adds nothing, duplicates and empty rows are reported', async () => {
    expect(await seedDemoKnowledge(t.ctx, j, systemActor('demo-seed', j))).toBe(0);
    const again = await importKnowledgeCsv(t.ctx, j, readFileSync(MAILBOX_CSV, 'utf8'), systemActor('test'), { source: 'mailbox', publish: true, skipRejected: true });
    expect(again.total).toBe(1179);
    expect(again.inserted).toBe(0);
    expect(again.existing).toBe(again.accepted);
    expect(again.rejected.map((r) => r.code)).toContain('knowledge.row_duplicate');
    const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM knowledge_articles WHERE jurisdiction_id = ${j} AND source = 'mailbox' AND status = 'published'`.execute(t.ctx.db);
    expect(n.rows[0]!.n).toBe(again.accepted);
  });

  it('carry no mobile or ID numbers and no names after 我叫', async () => {
    const leaks = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM knowledge_articles WHERE jurisdiction_id = ${j}
        AND (question ~ '(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)' OR question ~ '[0-9]{17}[0-9Xx]' OR question ~ '我叫[^[]' OR answer ~ '(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)')`.execute(t.ctx.db);
    expect(leaks.rows[0]!.n).toBe(0);
    const redacted = await sql<{ n: number }>`SELECT count(*)::int AS n FROM knowledge_articles WHERE jurisdiction_id = ${j} AND question LIKE '%我叫[姓名]%'`.execute(t.ctx.db);
    expect(redacted.rows[0]!.n).toBeGreaterThan(10);
  });
});

describe('search', () => {
  it("finds the letter a caller's paraphrase is about, falling back to any word when no letter has them all", async () => {
    const road = await search(agent, '洛南县东风砖厂那条路什么时候能硬化，路灯也不亮');
    expect(road.match).toBe('or');
    expect(road.items[0]).toMatchObject({ title: '洛南县东风砖厂的路何时硬化', agency: '洛南县人民政府办公室' });
    expect(road.items[0]!.sourceUrl).toMatch(/^http:\/\/www\.shangluo\.gov\.cn\/.*leadermailid=9169$/);
    const trade = await search(agent, '商洛各县区去年进出口数据在哪里查');
    expect(trade.items[0]!.title).toBe('咨询商洛市及各县区2021年度进出口数据');
    const medical = await search(agent, '在西安交大二院看病回来报销，钱到账没有');
    expect(medical.items[0]!.title).toContain('医疗报帐');
    // Every word present: the AND query answers, the title match first.
    const park = await search(agent, '秦岭国家公园');
    expect(park.match).toBe('and');
    expect(park.items[0]!.title).toBe('秦岭国家公园');
    const fees = await search(agent, '小区物业乱收费怎么办');
    expect(fees.match).toBe('and');
    expect(fees.items[0]!.title).toContain('物业乱收费');
    // Ranks descend.
    expect(road.items.map((i) => i.rank)).toEqual([...road.items.map((i) => i.rank)].sort((a, b) => b - a));
  });

  it('pages by keyset without gaps or repeats, with and without a query; a forged cursor is refused', async () => {
    for (const q of ['物业', '']) {
      const whole = (await api(agent, 'GET', `/knowledge/articles?limit=9&q=${encodeURIComponent(q)}`)).json().items.map((i: { id: string }) => i.id);
      expect(whole).toHaveLength(9);
      const paged: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 3; page++) {
        const body: { items: { id: string }[]; next: string | null } = (await api(agent, 'GET', `/knowledge/articles?limit=3&q=${encodeURIComponent(q)}${after ? `&after=${after}` : ''}`)).json();
        paged.push(...body.items.map((i: { id: string }) => i.id));
        after = body.next;
        expect(after).not.toBeNull();
      }
      expect(paged).toEqual(whole);
    }
    const bad = await api(agent, 'GET', '/knowledge/articles?q=x&after=bm90LWEtY3Vyc29y');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('knowledge.cursor_invalid');
  });
});

describe('editing', () => {
  it('creates a draft only editors see, publishes it, keeps versions and refuses a stale version with 409', async () => {
    const created = await api(steward, 'POST', '/knowledge/articles', {
      title: '停水通知查询',
      question: '家里突然停水了，怎么知道什么时候来水？',
      answer: '可拨打供水公司热线 96511 查询计划停水，或关注自来水公司公众号。',
      categoryCode: 'utilities.water',
      agency: '市自来水公司',
      tags: ['停水', '供水'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const a = created.json().article;
    expect(a).toMatchObject({ status: 'draft', version: 1, source: 'manual', current: false, useCount: 0, categoryCode: 'utilities.water' });
    // Agents do not see drafts, in lists or by id, and may not ask for them.
    expect((await search(agent, '停水 来水')).items.map((i) => i.id)).not.toContain(a.id);
    expect((await api(agent, 'GET', `/knowledge/articles/${a.id}`)).statusCode).toBe(404);
    expect((await api(agent, 'GET', '/knowledge/articles?status=draft')).json()).toMatchObject({
      code: 'knowledge.status_forbidden',
      message: 'Only stewards and administrators may list draft articles',
      details: { status: 'draft' },
    });
    const draftZh = await t.app.inject({ method: 'GET', url: '/api/v1/knowledge/articles?status=draft', headers: { ...agent.bearer, 'accept-language': 'zh-CN' } });
    expect(draftZh.json().message).toBe('只有数据管理员和系统管理员可以查看草稿状态的条目');
    expect((await search(steward, '停水 来水', '&status=draft')).items[0]!.id).toBe(a.id);

    const edited = await api(steward, 'PATCH', `/knowledge/articles/${a.id}`, { version: 1, answer: '请拨打 96511 查询停水计划。', tags: ['停水', '供水', '来水时间'] });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().article).toMatchObject({ version: 2, answer: '请拨打 96511 查询停水计划。' });
    const stale = await api(steward, 'PATCH', `/knowledge/articles/${a.id}`, { version: 1, title: '另一个标题' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'knowledge.version_conflict' });
    expect(stale.json().message).toContain('version 2');
    // The same content again is no new version.
    expect((await api(steward, 'PATCH', `/knowledge/articles/${a.id}`, { version: 2, answer: '请拨打 96511 查询停水计划。' })).json().article.version).toBe(2);

    const published = await api(steward, 'POST', `/knowledge/articles/${a.id}/publish`, {});
    expect(published.json().article).toMatchObject({ status: 'published', current: true, version: 2 });
    expect(published.json().article.publishedAt).not.toBeNull();
    // Found by a tag word that is only in the new version.
    expect((await search(agent, '来水时间')).items[0]!.id).toBe(a.id);

    const detail = (await api(steward, 'GET', `/knowledge/articles/${a.id}`)).json().article;
    expect(detail.versions).toHaveLength(1);
    // A kept version says who wrote it, when, and the status the article had while it was the content.
    // Its whole content too, so the console can show what each version changed (版本记录).
    expect(detail.versions[0]).toEqual({
      version: 1,
      title: '停水通知查询',
      question: '家里突然停水了，怎么知道什么时候来水？',
      answer: '可拨打供水公司热线 96511 查询计划停水，或关注自来水公司公众号。',
      categoryCode: 'utilities.water',
      agency: '市自来水公司',
      internal: false,
      tags: ['停水', '供水'],
      validFrom: null,
      validTo: null,
      editedBy: expect.any(String),
      editedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      status: 'draft',
    });
    // Whoever holds knowledge.edit in some scope reads the versions (a department-scoped steward, read-only, too);
    // readers get the article without them.
    const forScoped = await api(deptSteward, 'GET', `/knowledge/articles/${a.id}`);
    expect(forScoped.statusCode, forScoped.body).toBe(200);
    expect(forScoped.json().article.versions).toEqual(detail.versions);
    for (const reader of [agent, leader]) {
      const res = await api(reader, 'GET', `/knowledge/articles/${a.id}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().article.versions).toBeUndefined();
      expect(res.json().article.answer).toBe('请拨打 96511 查询停水计划。');
      expect(res.body).not.toContain('可拨打供水公司热线');
    }

    const archived = await api(steward, 'POST', `/knowledge/articles/${a.id}/archive`, { version: 1 });
    expect(archived.statusCode).toBe(409);
    expect((await api(steward, 'POST', `/knowledge/articles/${a.id}/archive`, { version: 2 })).json().article.status).toBe('archived');
    expect((await api(agent, 'GET', `/knowledge/articles/${a.id}`)).statusCode).toBe(404);

    // An archived article goes back to draft (to be reworked, then published again); a published one only by archiving.
    const back = await api(steward, 'POST', `/knowledge/articles/${a.id}/unarchive`, { version: 2 });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json().article).toMatchObject({ status: 'draft', current: false, version: 2 });
    expect((await api(agent, 'GET', `/knowledge/articles/${a.id}`)).statusCode).toBe(404);
    expect((await api(steward, 'POST', `/knowledge/articles/${a.id}/unarchive`, {})).json().article.status).toBe('draft');
    expect((await api(steward, 'POST', `/knowledge/articles/${a.id}/publish`, {})).json().article.status).toBe('published');
    const notFromPublished = await api(steward, 'POST', `/knowledge/articles/${a.id}/unarchive`, {});
    expect(notFromPublished.statusCode).toBe(409);
    expect(notFromPublished.json()).toMatchObject({ code: 'knowledge.status_not_allowed', message: 'An article that is published cannot go back to draft; archive it first', details: { from: 'published', to: 'draft' } });
    const zh = await t.app.inject({ method: 'POST', url: `/api/v1/knowledge/articles/${a.id}/unarchive`, headers: { ...steward.bearer, 'accept-language': 'zh-CN' }, payload: {} });
    expect(zh.json().message).toBe('已发布的条目不能直接退回草稿，请先归档');
    expect((await api(agent, 'POST', `/knowledge/articles/${a.id}/unarchive`, {})).statusCode).toBe(403);

    const audit = await sql<{ action: string; details: { from: string; to: string } }>`SELECT action, details FROM audit_log WHERE object_id = ${a.id} ORDER BY id`.execute(t.ctx.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['knowledge.create', 'knowledge.update', 'knowledge.publish', 'knowledge.archive', 'knowledge.unarchive', 'knowledge.publish']);
    expect(audit.rows[4]!.details).toMatchObject({ from: 'archived', to: 'draft' });
  });

  it('names who wrote each text, not who published or archived it: the current content and every kept version', async () => {
    const writerUser = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'steward', scope: { kind: 'jurisdiction' } }] });
    const publisherUser = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] });
    const [writer, publisher] = [await loginAs(t.app, writerUser), await loginAs(t.app, publisherUser)];
    // (Articles name their editors by username.)
    const [W, P] = [writerUser.username, publisherUser.username];
    const created = await api(writer, 'POST', '/knowledge/articles', { title: '燃气表换电池', question: '燃气表显示电量低怎么办？', answer: '可自行更换 5 号碱性电池。' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().article.id as string;
    expect((await api(publisher, 'POST', `/knowledge/articles/${id}/publish`, {})).statusCode).toBe(200);
    const detail = async () => (await api(publisher, 'GET', `/knowledge/articles/${id}`)).json().article;
    // The publish changed the article (updatedBy) but not its text (contentBy).
    const published = await detail();
    expect(published).toMatchObject({ version: 1, status: 'published', updatedBy: P, contentBy: W });
    expect(new Date(published.contentAt).getTime()).toBeLessThanOrEqual(new Date(published.updatedAt).getTime());
    // The publisher rewrites the answer: the kept version 1 names its writer, the current one the publisher.
    const edited = await api(publisher, 'PATCH', `/knowledge/articles/${id}`, { version: 1, answer: '请使用 5 号碱性电池，不要使用充电电池。' });
    expect(edited.statusCode, edited.body).toBe(200);
    const after = await detail();
    expect(after).toMatchObject({ version: 2, contentBy: P });
    expect(after.versions).toEqual([expect.objectContaining({ version: 1, answer: '可自行更换 5 号碱性电池。', editedBy: W, status: 'published' })]);
    // Readers get neither the versions nor who wrote the text.
    const read = (await api(agent, 'GET', `/knowledge/articles/${id}`)).json().article;
    expect(read).not.toHaveProperty('versions');
    expect(read).not.toHaveProperty('contentBy');
  });

  it('hides expired policies from agents, and refuses bad input with field errors', async () => {
    const expired = await api(steward, 'POST', '/knowledge/articles', { title: '2020年消费券领取', question: '消费券怎么领？', answer: '活动已结束。', validFrom: '2020-01-01', validTo: '2020-12-31', publish: true });
    expect(expired.json().article).toMatchObject({ status: 'published', current: false });
    expect((await search(agent, '消费券')).items.map((i) => i.id)).not.toContain(expired.json().article.id);
    expect((await search(steward, '消费券')).items[0]!.id).toBe(expired.json().article.id);

    const backwards = await api(steward, 'POST', '/knowledge/articles', { title: 'x', question: 'y', answer: 'z', validFrom: '2026-02-01', validTo: '2026-01-01' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().code).toBe('knowledge.validity_invalid');
    for (const body of [
      { title: '', question: 'y', answer: 'z' },
      { title: 'x', question: 'y', answer: 'z', categoryCode: 'Utilities/Water' },
      { title: 'x', question: 'y', answer: 'z', validTo: '2026-02-30' },
      { title: 'x\u0000', question: 'y', answer: 'z' },
      { title: 'x', question: 'y', answer: 'z'.repeat(20_001) },
      { title: 'x', question: 'y', answer: 'z', sourceUrl: 'javascript:alert(1)' },
    ]) {
      const res = await api(steward, 'POST', '/knowledge/articles', body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    expect((await api(steward, 'PATCH', '/knowledge/articles/00000000-0000-4000-8000-000000000000', { version: 1, title: 'x' })).statusCode).toBe(404);
  });
});

describe('first-contact use and roles', () => {
  it('counts a use per answered call, audited; only current articles can be used', async () => {
    const [top] = (await search(agent, '秦岭国家公园')).items;
    const first = await api(agent, 'POST', `/knowledge/articles/${top!.id}/used`, {});
    expect(first.statusCode, first.body).toBe(200);
    const second = await api(agent, 'POST', `/knowledge/articles/${top!.id}/used`, { workOrderId: '00000000-0000-4000-8000-000000000001' });
    expect(second.json()).toEqual({ id: top!.id, useCount: 2 });
    const audit = await sql<{ actor_name: string; details: { workOrderId: string | null } }>`
      SELECT actor_name, details FROM audit_log WHERE action = 'knowledge.use' AND object_id = ${top!.id} ORDER BY id`.execute(t.ctx.db);
    expect(audit.rows).toHaveLength(2);
    expect(audit.rows[1]!.details.workOrderId).toBe('00000000-0000-4000-8000-000000000001');
    expect((await api(agent, 'GET', `/knowledge/articles/${top!.id}`)).json().article.useCount).toBe(2);

    const draft = (await api(steward, 'POST', '/knowledge/articles', { title: '草稿', question: '问', answer: '答' })).json().article;
    expect((await api(agent, 'POST', `/knowledge/articles/${draft.id}/used`, {})).statusCode).toBe(404);
    expect((await api(steward, 'POST', `/knowledge/articles/${draft.id}/used`, {})).json().code).toBe('knowledge.not_current');
  });

  it('lets agents and leaders read, only jurisdiction-wide stewards and admins edit, nobody cross cities', async () => {
    expect((await api(leader, 'GET', '/knowledge/articles?limit=1')).statusCode).toBe(200);
    expect((await api(handler, 'GET', '/knowledge/articles?limit=1')).statusCode).toBe(403);
    expect((await api(null, 'GET', '/knowledge/articles?limit=1')).statusCode).toBe(401);
    expect((await api(agent, 'POST', '/knowledge/articles', { title: 'x', question: 'y', answer: 'z' })).statusCode).toBe(403);
    expect((await api(leader, 'POST', '/knowledge/articles/00000000-0000-4000-8000-000000000000/used', {})).statusCode).toBe(403);
    const scoped = await api(deptSteward, 'POST', '/knowledge/articles', { title: 'x', question: 'y', answer: 'z' });
    expect(scoped.statusCode).toBe(403);
    expect(scoped.json().code).toBe('auth.out_of_scope');
    // A department-scoped steward reads the whole base (drafts too) and is told writing is not theirs; the console
    // shows the page read-only from this.
    const scopedList = await api(deptSteward, 'GET', '/knowledge/articles?status=draft&limit=1');
    expect(scopedList.statusCode).toBe(200);
    expect(scopedList.json()).toMatchObject({ canEdit: false, items: [{ status: 'draft' }] });
    expect((await api(steward, 'GET', '/knowledge/articles?limit=1')).json().canEdit).toBe(true);
    expect((await api(agent, 'GET', '/knowledge/articles?limit=1')).json().canEdit).toBe(false);
    const [top] = (await search(agent, '秦岭国家公园')).items;
    expect((await api(otherAdmin, 'GET', `/knowledge/articles/${top!.id}`)).statusCode).toBe(404);
    expect((await api(otherAdmin, 'GET', '/knowledge/articles?q=秦岭国家公园')).json().items).toEqual([]);
  });
});

describe('public 常见问题', () => {
  it("gives anyone current public articles' title, question and answer only, and limits each address", async () => {
    const internal = (await api(steward, 'POST', '/knowledge/articles', { title: '秦岭国家公园内部口径', question: '内部', answer: '仅供话务员参考', internal: true, publish: true })).json().article;
    const res = await api(null, 'GET', `/public/knowledge?jurisdiction=${j}&q=${encodeURIComponent('秦岭国家公园')}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.jurisdictionId).toBe(j);
    expect(body.items[0]).toMatchObject({ title: '秦岭国家公园' });
    expect(Object.keys(body.items[0]).sort()).toEqual(['answer', 'id', 'question', 'title']);
    expect(body.items.map((i: { id: string }) => i.id)).not.toContain(internal.id);
    // Most used first without a query.
    const faq = (await api(null, 'GET', `/public/knowledge?jurisdiction=${j}&limit=1`)).json();
    expect(faq.items[0].title).toBe('秦岭国家公园');
    expect((await api(null, 'GET', '/public/knowledge?jurisdiction=nowhere.example')).json().code).toBe('knowledge.jurisdiction_not_found');
    expect((await api(null, 'GET', '/public/knowledge')).json().code).toBe('knowledge.jurisdiction_required');

    let limited = null;
    for (let i = 0; i < 61 && !limited; i++) {
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/public/knowledge?jurisdiction=${j}&limit=1`, remoteAddress: '203.0.113.9' });
      if (r.statusCode === 429) limited = r;
      else expect(r.statusCode).toBe(200);
    }
    expect(limited?.json().code).toBe('knowledge.rate_limited');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/public/knowledge?jurisdiction=${j}&limit=1`, remoteAddress: '203.0.113.10' })).statusCode).toBe(200);
  });
});

describe('civicgrid import knowledge', () => {
  it('imports a city file as drafts with a reject report; rejects change nothing unless --skip-rejected', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'civicgrid-knowledge-'));
    const file = path.join(dir, 'faq.csv');
    writeFileSync(
      file,
      [
        'mail_id,title,query,reply,reply_agency,url,category,tags',
        'c1,燃气报装流程,"我叫王小明，想给新房开通燃气，电话13912345678",携带房产证到燃气公司营业厅办理，咨询电话 028-12345678。,市燃气公司,https://example.gov.cn/1,utilities.gas,燃气;报装',
        'c2,,没有标题,答复,,,,',
        'c3,分类不对,问,答,,,Utilities,',
        'c1,重复,问,答,,,,',
      ].join('\n'),
    );
    const run = (args: object) => runCommand(t.ctx, COMMANDS, 'import knowledge', { jurisdiction: j, file, ...args }, { locale: 'en' });
    const refused = await run({});
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('rejected row 3: The title column is empty');
    expect(refused.stderr).toContain('rejected row 4: Not a category code');
    expect(refused.stderr).toContain('rejected row 5: mail_id c1 appears earlier in the file');
    expect(JSON.parse(refused.stdout)).toMatchObject({ total: 4, accepted: 1, rejectedCount: 3, applied: false });

    const done = await run({ skipRejected: true });
    expect(done.exitCode, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ inserted: 1, applied: true });
    const row = await sql<{ question: string; answer: string; status: string; source: string; tags: string[]; category_code: string }>`
      SELECT question, answer, status, source, tags, category_code FROM knowledge_articles WHERE jurisdiction_id = ${j} AND source_ref = 'c1'`.execute(t.ctx.db);
    expect(row.rows[0]).toMatchObject({ question: '我叫[姓名]，想给新房开通燃气，电话[电话]', status: 'draft', source: 'import', tags: ['燃气', '报装'], category_code: 'utilities.gas' });
    // The agency's service number stays in the answer.
    expect(row.rows[0]!.answer).toContain('028-12345678');
    expect(JSON.parse((await run({ skipRejected: true })).stdout)).toMatchObject({ inserted: 0, existing: 1 });

    const missing = await runCommand(t.ctx, COMMANDS, 'import knowledge', { jurisdiction: j, file: path.join(dir, 'none.csv') }, { locale: 'en' });
    expect(missing.exitCode).toBe(2);
    writeFileSync(path.join(dir, 'bad.csv'), 'id,name\n1,x\n');
    const header = await runCommand(t.ctx, COMMANDS, 'import knowledge', { jurisdiction: j, file: path.join(dir, 'bad.csv') }, { locale: 'en' });
    expect(header.exitCode).toBe(2);
    expect(header.stderr).toContain('lacks the column(s) title, query, reply');
  });
});
