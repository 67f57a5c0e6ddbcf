/** Users in my scope: create (with a department and a role), disable/enable, reset password, roles and scopes. */
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Input, Modal, Select, Space, Table, Tag, TreeSelect, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../shared/api';
import { useAuth } from '../auth';
import { departmentName, departmentTree, useDepartments } from '../departments';
import { PASSWORD_MAX, PASSWORD_MIN, ROLES, USERNAME, type GrantScopeView, type GrantView, type Role, type UserPage, type UserView } from '@civicgrid/contracts/identity';
import type { DepartmentView as Department } from '@civicgrid/contracts/org';

type ScopeKind = GrantScopeView['kind'];

interface GrantFormValues {
  role: Role;
  scopeKind: ScopeKind;
  scopeDepartmentId?: string;
  gridCodes?: string;
}

function toScope(v: GrantFormValues): GrantScopeView {
  switch (v.scopeKind) {
    case 'department':
      return { kind: 'department', departmentId: v.scopeDepartmentId! };
    case 'grids':
      return { kind: 'grids', gridCodes: (v.gridCodes ?? '').split(/[\s,，]+/).filter(Boolean) };
    default:
      return { kind: v.scopeKind };
  }
}

function usePasswordRules() {
  const { t } = useTranslation();
  return [
    { required: true, message: t('users.passwordRequired') },
    { min: PASSWORD_MIN, message: t('users.passwordTooShort', { min: PASSWORD_MIN }) },
    { max: PASSWORD_MAX, message: t('users.passwordTooLong', { max: PASSWORD_MAX }) },
  ];
}

/** Role + scope fields, shared by "create user" and "add role". */
function GrantFields({ departments }: { departments: Department[] }) {
  const { t, i18n } = useTranslation();
  const tree = useMemo(() => departmentTree(departments, i18n.language), [departments, i18n.language]);
  return (
    <>
      <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('users.roleRequired') }]}>
        <Select options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} showSearch optionFilterProp="label" />
      </Form.Item>
      <Form.Item name="scopeKind" label={t('users.scope')} rules={[{ required: true }]}>
        <Select
          options={(['jurisdiction', 'department', 'grids', 'self'] as const).map((k) => ({ value: k, label: t(`scopes.${k}`) }))}
        />
      </Form.Item>
      <Form.Item noStyle shouldUpdate={(a: GrantFormValues, b: GrantFormValues) => a.scopeKind !== b.scopeKind}>
        {({ getFieldValue }) =>
          getFieldValue('scopeKind') === 'department' ? (
            <Form.Item name="scopeDepartmentId" label={t('users.scopeDepartment')} rules={[{ required: true, message: t('users.departmentRequired') }]}>
              <TreeSelect treeData={tree} showSearch treeNodeFilterProp="title" treeDefaultExpandAll={false} />
            </Form.Item>
          ) : getFieldValue('scopeKind') === 'grids' ? (
            <Form.Item
              name="gridCodes"
              label={t('users.gridCodes')}
              extra={t('users.gridCodesHint')}
              rules={[{ required: true, message: t('users.gridCodesRequired') }, { pattern: /^[\d\s,，]+$/, message: t('users.gridCodesInvalid') }]}
            >
              <Input />
            </Form.Item>
          ) : null
        }
      </Form.Item>
    </>
  );
}

function GrantTag({ grant, departments, onRemove }: { grant: GrantView; departments: Department[]; onRemove?: () => void }) {
  const { t, i18n } = useTranslation();
  const s = grant.scope;
  const dept = s.kind === 'department' ? departments.find((d) => d.id === s.departmentId) : undefined;
  const scope =
    s.kind === 'department'
      ? dept
        ? departmentName(dept, i18n.language)
        : t('scopes.department')
      : s.kind === 'grids'
        ? `${t('scopes.grids')} ${s.gridCodes.join(', ')}`
        : t(`scopes.${s.kind}`);
  return (
    <Tag color="blue" closable={!!onRemove} onClose={(e) => (e.preventDefault(), onRemove?.())} closeIcon={onRemove ? undefined : false}>
      {t(`roles.${grant.role}`)} · {scope}
    </Tag>
  );
}

interface Filters {
  q?: string;
  status?: 'active' | 'disabled';
  role?: Role;
  page: number;
  pageSize: number;
}

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const { can } = useAuth();
  const manage = can('user.manage');
  const { items: departments } = useDepartments();
  const depts = departments ?? [];
  const tree = useMemo(() => departmentTree(depts, i18n.language), [depts, i18n.language]);
  const [filters, setFilters] = useState<Filters>({ page: 1, pageSize: 20 });
  const [data, setData] = useState<UserPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<UserView | null>(null);
  const [granting, setGranting] = useState<UserView | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setData(await api.get<UserPage>('/api/v1/users', { ...filters }));
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  }, [filters]);
  useEffect(() => void load(), [load]);

  const run = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      void message.success(done);
      await load();
      return true;
    } catch (e) {
      void message.error(errorMessage(e));
      return false;
    }
  };

  const [createForm] = Form.useForm();
  const [resetForm] = Form.useForm();
  const [grantForm] = Form.useForm<GrantFormValues>();

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', flexWrap: 'wrap' }}>
        <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
          {t('users.title')}
        </Typography.Title>
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-user">
            {t('users.create')}
          </Button>
        )}
      </Space>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }} onFinish={(v: Omit<Filters, 'page' | 'pageSize'>) => setFilters((f) => ({ ...f, ...v, q: v.q?.trim() || undefined, page: 1 }))}>
        <Form.Item name="q" label={t('users.search')}>
          <Input allowClear placeholder={t('users.searchPlaceholder')} />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')}>
          <Select allowClear style={{ width: 160 }} options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
        </Form.Item>
        <Form.Item name="status" label={t('users.status')}>
          <Select
            allowClear
            style={{ width: 120 }}
            options={[
              { value: 'active', label: t('users.active') },
              { value: 'disabled', label: t('users.disabled') },
            ]}
          />
        </Form.Item>
        <Button htmlType="submit">{t('common.filter')}</Button>
      </Form>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
      <Table<UserView>
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 900 }}
        pagination={{
          current: filters.page,
          pageSize: filters.pageSize,
          total: data?.total ?? 0,
          onChange: (page, pageSize) => setFilters((f) => ({ ...f, page, pageSize })),
        }}
        columns={[
          { title: t('users.username'), dataIndex: 'username' },
          { title: t('users.displayName'), dataIndex: 'displayName' },
          { title: t('users.department'), render: (_, u) => (u.department ? departmentName(u.department, i18n.language) : '—') },
          {
            title: t('users.roles'),
            render: (_, u) => u.grants.map((g) => <GrantTag key={g.id} grant={g} departments={depts} />),
          },
          {
            title: t('users.status'),
            render: (_, u) => (
              <Space size={4}>
                <Tag className={u.status === 'active' ? 'cg-tag-ok' : 'cg-tag-off'}>{u.status === 'active' ? t('users.active') : t('users.disabled')}</Tag>
                {u.locked && <Tag color="error">{t('users.locked')}</Tag>}
              </Space>
            ),
          },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  render: (_: unknown, u: UserView) => (
                    <Space size={0} wrap>
                      <Button type="link" size="small" onClick={() => setGranting(u)}>
                        {t('users.manageRoles')}
                      </Button>
                      <Button type="link" size="small" onClick={() => setResetting(u)}>
                        {t('users.resetPassword')}
                      </Button>
                      {u.status === 'active' ? (
                        <Button
                          type="link"
                          size="small"
                          danger
                          onClick={() =>
                            modal.confirm({
                              title: t('users.disableConfirm', { name: u.displayName }),
                              okText: t('users.disable'),
                              cancelText: t('common.cancel'),
                              okButtonProps: { danger: true },
                              onOk: () => run(() => api.post(`/api/v1/users/${u.id}/disable`), t('users.disabledDone')),
                            })
                          }
                        >
                          {t('users.disable')}
                        </Button>
                      ) : (
                        <Button type="link" size="small" onClick={() => void run(() => api.post(`/api/v1/users/${u.id}/enable`), t('users.enabledDone'))}>
                          {t('users.enable')}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />

      <Modal
        open={creating}
        title={t('users.create')}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        onCancel={() => setCreating(false)}
        onOk={() => createForm.submit()}
        destroyOnHidden
      >
        <Form
          form={createForm}
          layout="vertical"
          preserve={false}
          initialValues={{ scopeKind: 'department', mustChangePassword: true }}
          onFinish={(v: GrantFormValues & { username: string; displayName: string; password: string; departmentId?: string; mustChangePassword: boolean }) =>
            void run(
              () =>
                api.post('/api/v1/users', {
                  username: v.username.trim(),
                  displayName: v.displayName.trim(),
                  password: v.password,
                  departmentId: v.departmentId ?? null,
                  mustChangePassword: v.mustChangePassword,
                  grants: v.role ? [{ role: v.role, scope: toScope(v.scopeKind === 'department' && !v.scopeDepartmentId ? { ...v, scopeDepartmentId: v.departmentId } : v) }] : [],
                }),
              t('users.created', { name: v.displayName.trim() }),
            ).then((ok) => ok && setCreating(false))
          }
        >
          <Form.Item
            name="username"
            label={t('users.username')}
            rules={[{ required: true, message: t('users.usernameRequired') }, { pattern: USERNAME, message: t('users.usernameInvalid') }]}
          >
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true, whitespace: true, message: t('users.displayNameRequired') }, { max: 100 }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="password" label={t('users.initialPassword')} rules={usePasswordRules()}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="departmentId" label={t('users.department')} rules={[{ required: true, message: t('users.departmentRequired') }]}>
            <TreeSelect treeData={tree} showSearch treeNodeFilterProp="title" data-testid="user-department" />
          </Form.Item>
          <GrantFields departments={depts} />
          <Form.Item name="mustChangePassword" valuePropName="checked">
            <Checkbox>{t('users.mustChange')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={!!resetting}
        title={t('users.resetPasswordFor', { name: resetting?.displayName ?? '' })}
        okText={t('users.resetPassword')}
        cancelText={t('common.cancel')}
        onCancel={() => setResetting(null)}
        onOk={() => resetForm.submit()}
        destroyOnHidden
      >
        <Form
          form={resetForm}
          layout="vertical"
          preserve={false}
          initialValues={{ mustChange: true }}
          onFinish={(v: { newPassword: string; mustChange: boolean }) =>
            void run(() => api.post(`/api/v1/users/${resetting!.id}/password`, v), t('users.passwordReset')).then((ok) => ok && setResetting(null))
          }
        >
          <Form.Item name="newPassword" label={t('users.newPassword')} rules={usePasswordRules()}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item name="mustChange" valuePropName="checked">
            <Checkbox>{t('users.mustChange')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={!!granting}
        title={t('users.rolesFor', { name: granting?.displayName ?? '' })}
        okText={t('users.addRole')}
        cancelText={t('common.close')}
        onCancel={() => setGranting(null)}
        onOk={() => grantForm.submit()}
        destroyOnHidden
      >
        {granting && (
          <div style={{ marginBottom: 16 }}>
            {granting.grants.length === 0 && <Typography.Text type="secondary">{t('users.noRoles')}</Typography.Text>}
            {granting.grants.map((g) => (
              <GrantTag
                key={g.id}
                grant={g}
                departments={depts}
                onRemove={() =>
                  void run(async () => {
                    const r = await api.del<{ user: UserView }>(`/api/v1/users/${granting.id}/grants/${g.id}`);
                    setGranting(r.user);
                  }, t('users.roleRemoved'))
                }
              />
            ))}
          </div>
        )}
        <Form
          form={grantForm}
          layout="vertical"
          preserve={false}
          initialValues={{ scopeKind: 'department' }}
          onFinish={(v) =>
            void run(async () => {
              const r = await api.post<{ user: UserView }>(`/api/v1/users/${granting!.id}/grants`, { role: v.role, scope: toScope(v) });
              setGranting(r.user);
              grantForm.resetFields();
            }, t('users.roleAdded'))
          }
        >
          <GrantFields departments={depts} />
        </Form>
      </Modal>
    </>
  );
}
