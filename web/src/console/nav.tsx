/**
 * The console's pages and who sees them. A page appears (in the menu and as a route) only when the signed-in
 * user holds one of its permissions, as reported by GET /api/v1/auth/me — the same rules the server enforces.
 * Pages exist only for modules the server has; nothing is a placeholder.
 */
import { ApiOutlined, BookOutlined, BorderOuterOutlined, GlobalOutlined, ClusterOutlined, LineChartOutlined, NodeIndexOutlined, TagsOutlined } from '@ant-design/icons';
import { ApartmentOutlined, AuditOutlined, BarChartOutlined, EnvironmentOutlined, FileSearchOutlined, InboxOutlined, KeyOutlined, MailOutlined, PhoneOutlined, SendOutlined, SettingOutlined, TeamOutlined, TrophyOutlined, UserOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';

export interface ConsolePage {
  key: string;
  path: string;
  /** i18n key of the menu label and page title. */
  label: string;
  icon: ReactNode;
  /** Any of these permissions shows the page; empty = every signed-in user. */
  anyOf: string[];
  /** Also needs one of these roles (a queue for a kind of work, e.g. the department inbox for handlers). */
  roles?: string[];
}

export const PAGES: ConsolePage[] = [
  { key: 'overview', path: '/', label: 'nav.overview', icon: <EnvironmentOutlined />, anyOf: [] },
  { key: 'users', path: '/users', label: 'nav.users', icon: <TeamOutlined />, anyOf: ['user.read'] },
  { key: 'departments', path: '/departments', label: 'nav.departments', icon: <ApartmentOutlined />, anyOf: ['department.read', 'department.manage'] },
  { key: 'apiKeys', path: '/api-keys', label: 'nav.apiKeys', icon: <KeyOutlined />, anyOf: ['apikey.read'] },
  { key: 'audit', path: '/audit', label: 'nav.audit', icon: <AuditOutlined />, anyOf: ['audit.read'] },
  { key: 'evaluation', path: '/evaluation', label: 'nav.evaluation', icon: <BarChartOutlined />, anyOf: ['evaluation.read'] },
  // 话务台: the agents who take calls (they also hold caller history, classify and the knowledge base).
  { key: 'hotline', path: '/hotline', label: 'hotline.nav', icon: <PhoneOutlined />, anyOf: ['work_order.create'], roles: ['agent'] },
  // 工单: list and search, the dispatcher board (派遣台) and the department inbox (部门待办); details at /work-orders/:id.
  { key: 'workOrders', path: '/work-orders', label: 'workOrders.nav.list', icon: <FileSearchOutlined />, anyOf: ['work_order.read'] },
  { key: 'dispatchBoard', path: '/dispatch', label: 'workOrders.nav.board', icon: <SendOutlined />, anyOf: ['work_order.act'], roles: ['dispatcher', 'agent'] },
  { key: 'inbox', path: '/inbox', label: 'workOrders.nav.inbox', icon: <InboxOutlined />, anyOf: ['work_order.act'], roles: ['handler'] },
  // 统计分析: counts and rates of work orders for a period, charts, export (woStats).
  { key: 'woStats', path: '/stats', label: 'woStats.nav', icon: <LineChartOutlined />, anyOf: ['work_order.stats'] },
  // 分类管理 and 清单化定责: administrators edit the category tree and the responsibility list (woAdmin).
  { key: 'woCategories', path: '/work-order-categories', label: 'woAdmin.nav.categories', icon: <TagsOutlined />, anyOf: ['work_order_category.manage'] },
  { key: 'woRules', path: '/responsibility-rules', label: 'woAdmin.nav.rules', icon: <NodeIndexOutlined />, anyOf: ['responsibility_rule.manage'] },
  // 工单设置: administrators set the jurisdiction's deadlines, auto-dispatch, duplicate window and order-number prefix.
  { key: 'woSettings', path: '/work-order-settings', label: 'woSettings.nav', icon: <SettingOutlined />, anyOf: ['work_order.settings'] },
  // 知识库管理: stewards and administrators write, publish and retire the articles agents answer calls with (knowledge).
  { key: 'knowledge', path: '/knowledge', label: 'knowledge.nav', icon: <BookOutlined />, anyOf: ['knowledge.edit'] },
  // 跨域转办: administrators register neighbouring cities' Open311 endpoints (federation).
  { key: 'federation', path: '/federation', label: 'federation.nav', icon: <GlobalOutlined />, anyOf: ['federation.peer.manage'] },
  // Open311 服务配置: administrators choose each service's type, notice, keywords and attributes (open311).
  { key: 'open311', path: '/open311', label: 'open311.nav', icon: <ApiOutlined />, anyOf: ['open311.configure'] },
  // 综合评价: rankings, scores and grades, the orders behind every number, trend, hotspots.
  { key: 'performance', path: '/performance', label: 'performance.nav', icon: <TrophyOutlined />, anyOf: ['performance.read'] },
  // 部件: city components on a clustered map, their detail and linked orders; administrators import them.
  { key: 'components', path: '/components', label: 'components.nav', icon: <ClusterOutlined />, anyOf: ['component.read'] },
  // 单元网格管理: the grid layer on the map, the hierarchy, responsible people; import with a dry-run report (administrators).
  { key: 'grids', path: '/grids', label: 'grids.nav', icon: <BorderOuterOutlined />, anyOf: ['grid.manage'] },
  // 消息记录: the outbox of SMS, WeChat and e-mail messages with their delivery state (administrators).
  { key: 'messages', path: '/messages', label: 'messages.nav', icon: <MailOutlined />, anyOf: ['message.read'] },
  { key: 'account', path: '/account', label: 'nav.account', icon: <UserOutlined />, anyOf: [] },
];

export function visiblePages(permissions: readonly string[], roles: readonly string[] = []): ConsolePage[] {
  return PAGES.filter((p) => (p.anyOf.length === 0 || p.anyOf.some((x) => permissions.includes(x))) && (!p.roles || p.roles.some((r) => roles.includes(r))));
}
