/** My account: who I am, my roles, and changing my password (POST /api/v1/auth/password). */
import { Alert, App, Button, Card, Descriptions, Form, Input, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../shared/api';
import { useAuth } from '../auth';
import { departmentName } from '../departments';
import { PASSWORD_MAX, PASSWORD_MIN } from '@civicgrid/contracts/identity';

export function AccountPage() {
  const { t, i18n } = useTranslation();
  const { me, refresh } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  if (!me) return null;
  const u = me.user;
  const submit = async (v: { currentPassword: string; newPassword: string }) => {
    try {
      await api.post('/api/v1/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      form.resetFields();
      void message.success(t('account.passwordChanged'));
      await refresh();
    } catch (e) {
      void message.error(errorMessage(e));
    }
  };
  return (
    <>
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('account.title')}
      </Typography.Title>
      {u.mustChangePassword && <Alert type="warning" showIcon message={t('account.mustChange')} style={{ marginBottom: 16 }} />}
      <Card style={{ marginBottom: 16 }}>
        <Descriptions column={1} size="small">
          <Descriptions.Item label={t('users.username')}>{u.username}</Descriptions.Item>
          <Descriptions.Item label={t('users.displayName')}>{u.displayName}</Descriptions.Item>
          <Descriptions.Item label={t('users.department')}>{u.department ? departmentName(u.department, i18n.language) : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('users.roles')}>
            {u.grants.map((g) => (
              <Tag key={g.id} color="blue">
                {t(`roles.${g.role}`)} · {t(`scopes.${g.scope.kind}`)}
              </Tag>
            ))}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('account.changePassword')} style={{ maxWidth: 480 }}>
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item name="currentPassword" label={t('account.currentPassword')} rules={[{ required: true, message: t('users.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('users.newPassword')}
            rules={[
              { required: true, message: t('users.passwordRequired') },
              { min: PASSWORD_MIN, message: t('users.passwordTooShort', { min: PASSWORD_MIN }) },
              { max: PASSWORD_MAX, message: t('users.passwordTooLong', { max: PASSWORD_MAX }) },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('account.confirmPassword')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('users.passwordRequired') },
              ({ getFieldValue }) => ({
                validator: (_, v) => (v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('account.passwordMismatch')))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('account.changePassword')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
