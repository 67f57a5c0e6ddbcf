/**
 * The demo city's Open311 configuration: every category is a service already; a few get attributes (what a client
 * form asks), a notice, and one — 噪声扰民-like construction nuisance — is a batch service answered with a token.
 * Idempotent: services that already have a configuration are left alone.
 */
import type { Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import type { ServiceConfig } from './open311.repo.js';
import * as repo from './open311.repo.js';

export const DEMO_SERVICES: Record<string, ServiceConfig> = {
  'component.01.0102': {
    type: 'realtime',
    description: '污水井盖破损、缺失、移位或响动',
    keywords: '井盖,下水道,污水,manhole',
    serviceNotice: '井盖缺失属紧急情况，将在 2 小时内到场处置。',
    attributes: [
      { code: 'condition', variable: true, datatype: 'singlevaluelist', required: true, datatypeDescription: null, order: 1, description: '井盖状况', values: [{ key: 'missing', name: '缺失' }, { key: 'broken', name: '破损' }, { key: 'displaced', name: '移位' }, { key: 'noisy', name: '响动' }] },
      { code: 'on_road', variable: true, datatype: 'singlevaluelist', required: false, datatypeDescription: null, order: 2, description: '是否位于机动车道', values: [{ key: 'yes', name: '是' }, { key: 'no', name: '否' }] },
    ],
  },
  'event.01.01': {
    type: 'realtime',
    description: '路边、绿地等处暴露的生活垃圾',
    keywords: '垃圾,环境卫生,rubbish',
    serviceNotice: null,
    attributes: [
      { code: 'kinds', variable: true, datatype: 'multivaluelist', required: false, datatypeDescription: '可多选', order: 1, description: '垃圾种类', values: [{ key: 'household', name: '生活垃圾' }, { key: 'construction', name: '建筑垃圾' }, { key: 'bulky', name: '大件垃圾' }] },
      { code: 'volume_m3', variable: true, datatype: 'number', required: false, datatypeDescription: '立方米', order: 2, description: '估计体积', values: [] },
      { code: 'safety', variable: false, datatype: 'text', required: false, datatypeDescription: null, order: 3, description: '请勿翻动垃圾，注意安全。', values: [] },
    ],
  },
  'event.03.01': {
    type: 'batch',
    description: '夜间施工噪声等施工扰民，先由话务员核实再立案',
    keywords: '噪声,施工,夜间',
    serviceNotice: '施工扰民需核实施工许可，核实后给出工单号（凭 token 查询）。',
    attributes: [{ code: 'since', variable: true, datatype: 'datetime', required: false, datatypeDescription: null, order: 1, description: '开始时间', values: [] }],
  },
};

export async function seedDemoOpen311(db: Db, jurisdictionId: string, actor: Actor): Promise<number> {
  let configured = 0;
  for (const [code, config] of Object.entries(DEMO_SERVICES)) {
    const [service] = await repo.listServices(db, jurisdictionId, code);
    if (!service || service.type !== null) continue;
    await db.transaction().execute(async (tx) => {
      await repo.saveService(tx, jurisdictionId, code, config, new Date());
      await recordAudit(tx, { actor, request: noRequest, action: 'open311.configure', jurisdictionId, objectType: 'open311_service', objectId: code, details: { code, type: config.type, attributes: config.attributes.map((a) => a.code).join(',') } });
    });
    configured++;
  }
  return configured;
}
