/**
 * Open311 服务配置 (open311.configure, administrators): every category and whether Open311 serves it (active leaves
 * are services; groups and deactivated categories are not), and for a service its type (realtime / batch with a
 * token), description, keywords, notice and attributes — add, remove, reorder, datatype, required, description,
 * values for the list types — with a preview of the `services/{code}.json` definition clients will read.
 */
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Input, Radio, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api';
import { DATATYPES, open311Api, type Attribute, type Datatype, type ServiceConfig, type ServiceListItem } from './api';
import { addAttribute, definitionPreview, isList, moveAttribute, problemsOf, removeAttribute, toInput, withDatatype, type Problem } from './model';
import './open311.css';

type Shown = 'all' | 'exposed' | 'hidden';

export function Open311ConfigPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [items, setItems] = useState<ServiceListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [shown, setShown] = useState<Shown>('exposed');
  const [editing, setEditing] = useState<ServiceConfig | null>(null);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);

  const load = useCallback(() => {
    open311Api.services().then(setItems, (e: unknown) => setError(errorMessage(e)));
  }, []);
  useEffect(load, [load]);

  const nameOf = useCallback((c: { nameZh: string; nameEn: string | null }) => (i18n.language === 'en' ? (c.nameEn ?? c.nameZh) : c.nameZh), [i18n.language]);
  const rows = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (items ?? []).filter(
      (c) => (shown === 'all' || (shown === 'exposed') === c.exposed) && (q === '' || c.code.includes(q) || c.nameZh.includes(q) || (c.nameEn ?? '').toLowerCase().includes(q)),
    );
  }, [items, search, shown]);

  const open = async (code: string) => {
    if (dirty && !window.confirm(t('open311.discardChanges'))) return;
    try {
      setEditing(await open311Api.config(code));
      setDirty(false);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const change = (patch: Partial<ServiceConfig>) => {
    setEditing((c) => (c ? { ...c, ...patch } : c));
    setDirty(true);
  };
  const changeAttributes = (fn: (list: Attribute[]) => Attribute[]) => {
    setEditing((c) => (c ? { ...c, attributes: fn(c.attributes) } : c));
    setDirty(true);
  };

  const problems = editing ? problemsOf(editing.attributes) : [];
  const save = async () => {
    if (!editing || problems.length > 0) return;
    setSaving(true);
    try {
      setEditing(await open311Api.save(editing.code, toInput(editing)));
      setDirty(false);
      message.success(t('open311.saved', { code: editing.code }));
      load();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const columns: ColumnsType<ServiceListItem> = [
    { title: t('open311.field.code'), dataIndex: 'code', key: 'code', render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
    { title: t('open311.field.name'), key: 'name', render: (_, c) => nameOf(c) },
    {
      title: t('open311.field.state'),
      key: 'state',
      render: (_, c) =>
        c.exposed ? <Tag className="cg-tag-ok">{t('open311.exposed')}</Tag> : <Tag className="cg-tag-off">{t(c.reason === 'inactive' ? 'open311.reason.inactive' : 'open311.reason.group')}</Tag>,
    },
    { title: t('open311.field.type'), key: 'type', render: (_, c) => (c.exposed ? t(`open311.typeShort.${c.type}`) : '—') },
    { title: t('open311.field.attributes'), dataIndex: 'attributeCount', key: 'attributes', align: 'right' },
    {
      title: t('open311.field.actions'),
      key: 'actions',
      render: (_, c) =>
        c.exposed ? (
          <Button size="small" onClick={() => void open(c.code)} data-testid={`service-edit-${c.code}`} aria-label={t('open311.configureNamed', { code: c.code })}>
            {t('open311.configure')}
          </Button>
        ) : null,
    },
  ];

  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('open311.title')}</h1>} className="open311-config">
      <Typography.Paragraph type="secondary">{t('open311.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} role="alert" />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={11}>
          <Space wrap style={{ marginBottom: 12 }}>
            <Input.Search allowClear placeholder={t('open311.search')} aria-label={t('open311.search')} onChange={(e) => setSearch(e.target.value)} style={{ width: 220 }} data-testid="service-search" />
            <Radio.Group value={shown} onChange={(e) => setShown(e.target.value as Shown)} optionType="button" aria-label={t('open311.show')}>
              <Radio.Button value="exposed">{t('open311.showExposed')}</Radio.Button>
              <Radio.Button value="hidden">{t('open311.showHidden')}</Radio.Button>
              <Radio.Button value="all">{t('open311.showAll')}</Radio.Button>
            </Radio.Group>
          </Space>
          <Table
            size="small"
            rowKey="code"
            columns={columns}
            dataSource={rows}
            loading={items === null && !error}
            pagination={{ pageSize: 12, showSizeChanger: false }}
            scroll={{ x: 'max-content' }}
            rowClassName={(c) => (c.code === editing?.code ? 'open311-selected' : '')}
            locale={{ emptyText: t('open311.empty') }}
            data-testid="services-table"
          />
        </Col>
        <Col xs={24} xl={13}>
          {editing ? (
            <ServiceEditor
              config={editing}
              problems={problems}
              dirty={dirty}
              saving={saving}
              onChange={change}
              onAttributes={changeAttributes}
              onSave={() => void save()}
            />
          ) : (
            <Empty description={t('open311.pick')} />
          )}
        </Col>
      </Row>
    </Card>
  );
}

interface EditorProps {
  config: ServiceConfig;
  problems: Problem[];
  dirty: boolean;
  saving: boolean;
  onChange(patch: Partial<ServiceConfig>): void;
  onAttributes(fn: (list: Attribute[]) => Attribute[]): void;
  onSave(): void;
}

function ServiceEditor({ config, problems, dirty, saving, onChange, onAttributes, onSave }: EditorProps) {
  const { t } = useTranslation();
  const field = (id: string, label: string, control: React.ReactNode, hint?: string) => (
    <div className="open311-field">
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && <Typography.Text type="secondary">{hint}</Typography.Text>}
    </div>
  );
  const set = (index: number, patch: Partial<Attribute>) => onAttributes((list) => list.map((a, i) => (i === index ? { ...a, ...patch } : a)));
  const preview = JSON.stringify(definitionPreview(config), null, 2);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        size="small"
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('open311.editing', { code: config.code, name: config.name })}</h2>}
        extra={
          <Space>
            {dirty && <Tag className="open311-unsaved">{t('open311.unsaved')}</Tag>}
            <Button type="primary" onClick={onSave} loading={saving} disabled={problems.length > 0} data-testid="service-save">
              {t('open311.save')}
            </Button>
          </Space>
        }
        data-testid="service-editor"
      >
        <div className="open311-field">
          <span id="o311-type-label">{t('open311.field.type')}</span>
          <Radio.Group aria-labelledby="o311-type-label" value={config.type} onChange={(e) => onChange({ type: e.target.value as ServiceConfig['type'] })} data-testid="service-type">
            <Radio value="realtime">{t('open311.type.realtime')}</Radio>
            <Radio value="batch">{t('open311.type.batch')}</Radio>
          </Radio.Group>
          <Typography.Text type="secondary">{t(`open311.typeHint.${config.type}`)}</Typography.Text>
        </div>
        {field('o311-description', t('open311.field.description'), <Input.TextArea id="o311-description" rows={2} maxLength={1000} value={config.description ?? ''} onChange={(e) => onChange({ description: e.target.value })} />)}
        {field('o311-keywords', t('open311.field.keywords'), <Input id="o311-keywords" maxLength={500} value={config.keywords ?? ''} onChange={(e) => onChange({ keywords: e.target.value })} />, t('open311.keywordsHint'))}
        {field(
          'o311-notice',
          t('open311.field.notice'),
          <Input.TextArea id="o311-notice" rows={2} maxLength={1000} value={config.serviceNotice ?? ''} onChange={(e) => onChange({ serviceNotice: e.target.value })} data-testid="service-notice" />,
          t('open311.noticeHint'),
        )}
        <Typography.Title level={3} style={{ fontSize: 15, marginTop: 8 }}>
          {t('open311.attributesTitle', { n: config.attributes.length })}
        </Typography.Title>
        {config.attributes.length === 0 && <Typography.Paragraph type="secondary">{t('open311.noAttributes')}</Typography.Paragraph>}
        {config.attributes.map((a, index) => (
          <AttributeCard
            key={index}
            attribute={a}
            index={index}
            count={config.attributes.length}
            problems={problems.filter((p) => p.index === index)}
            onChange={(patch) => set(index, patch)}
            onMove={(delta) => onAttributes((list) => moveAttribute(list, index, delta))}
            onRemove={() => onAttributes((list) => removeAttribute(list, index))}
          />
        ))}
        <Button icon={<PlusOutlined />} onClick={() => onAttributes(addAttribute)} data-testid="attribute-add" disabled={config.attributes.length >= 50}>
          {t('open311.addAttribute')}
        </Button>
      </Card>
      <Card
        size="small"
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('open311.preview', { file: `services/${config.code}.json` })}</h2>}
        extra={
          <a href={`/open311/v2/services/${encodeURIComponent(config.code)}.json`} target="_blank" rel="noreferrer">
            {t('open311.live')}
          </a>
        }
      >
        <pre className="open311-preview" data-testid="definition-preview" tabIndex={0} aria-label={t('open311.preview', { file: `services/${config.code}.json` })}>
          {preview}
        </pre>
      </Card>
    </Space>
  );
}

interface AttributeCardProps {
  attribute: Attribute;
  index: number;
  count: number;
  problems: Problem[];
  onChange(patch: Partial<Attribute>): void;
  onMove(delta: -1 | 1): void;
  onRemove(): void;
}

function AttributeCard({ attribute: a, index, count, problems, onChange, onMove, onRemove }: AttributeCardProps) {
  const { t } = useTranslation();
  const id = (name: string) => `o311-attr-${index}-${name}`;
  const setValue = (i: number, patch: Partial<{ key: string; name: string }>) => onChange({ values: a.values.map((v, j) => (j === i ? { ...v, ...patch } : v)) });
  return (
    <div className="open311-attribute" data-testid={`attribute-${index}`}>
      <div className="open311-attribute-head">
        <Typography.Text strong>
          {t('open311.attributeN', { n: index + 1 })} · <Typography.Text code>{a.code || '—'}</Typography.Text>
        </Typography.Text>
        <Space size={4}>
          <Button size="small" icon={<ArrowUpOutlined />} disabled={index === 0} onClick={() => onMove(-1)} aria-label={t('open311.moveUp', { code: a.code })} data-testid={`attribute-up-${index}`} />
          <Button size="small" icon={<ArrowDownOutlined />} disabled={index === count - 1} onClick={() => onMove(1)} aria-label={t('open311.moveDown', { code: a.code })} data-testid={`attribute-down-${index}`} />
          <Button size="small" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('open311.remove', { code: a.code })} data-testid={`attribute-remove-${index}`} />
        </Space>
      </div>
      <div className="open311-attribute-grid">
        <div className="open311-field">
          <label htmlFor={id('code')}>{t('open311.field.attrCode')}</label>
          <Input id={id('code')} value={a.code} maxLength={64} onChange={(e) => onChange({ code: e.target.value })} status={problems.some((p) => p.key.startsWith('code')) ? 'error' : ''} />
        </div>
        <div className="open311-field">
          <label htmlFor={id('datatype')}>{t('open311.field.datatype')}</label>
          <Select
            id={id('datatype')}
            value={a.datatype}
            onChange={(d: Datatype) => onChange(withDatatype(a, d))}
            options={DATATYPES.map((d) => ({ value: d, label: t(`open311.datatype.${d}`) }))}
            data-testid={`attribute-datatype-${index}`}
          />
        </div>
        <div className="open311-field open311-switches">
          <label>
            <Switch size="small" checked={a.required} onChange={(v) => onChange({ required: v })} aria-label={t('open311.field.required')} /> {t('open311.field.required')}
          </label>
          <label>
            <Switch size="small" checked={a.variable} onChange={(v) => onChange({ variable: v })} aria-label={t('open311.field.variable')} /> {t('open311.field.variable')}
          </label>
        </div>
      </div>
      <div className="open311-field">
        <label htmlFor={id('description')}>{t('open311.field.attrDescription')}</label>
        <Input id={id('description')} value={a.description} maxLength={500} onChange={(e) => onChange({ description: e.target.value })} status={problems.some((p) => p.key === 'descriptionRequired') ? 'error' : ''} />
      </div>
      <div className="open311-field">
        <label htmlFor={id('dtdesc')}>{t('open311.field.datatypeDescription')}</label>
        <Input id={id('dtdesc')} value={a.datatypeDescription ?? ''} maxLength={500} onChange={(e) => onChange({ datatypeDescription: e.target.value })} />
      </div>
      {isList(a.datatype) && (
        <div className="open311-values">
          <Typography.Text>{t('open311.values')}</Typography.Text>
          {a.values.map((v, i) => (
            <Space key={i} size={4} style={{ display: 'flex' }}>
              <Input value={v.key} placeholder={t('open311.valueKey')} aria-label={t('open311.valueKeyN', { n: i + 1 })} onChange={(e) => setValue(i, { key: e.target.value })} maxLength={100} style={{ width: 140 }} />
              <Input value={v.name} placeholder={t('open311.valueName')} aria-label={t('open311.valueNameN', { n: i + 1 })} onChange={(e) => setValue(i, { name: e.target.value })} maxLength={200} style={{ width: 220 }} />
              <Button size="small" icon={<DeleteOutlined />} aria-label={t('open311.removeValue', { n: i + 1 })} onClick={() => onChange({ values: a.values.filter((_, j) => j !== i) })} />
            </Space>
          ))}
          <Button size="small" icon={<PlusOutlined />} onClick={() => onChange({ values: [...a.values, { key: '', name: '' }] })} data-testid={`value-add-${index}`}>
            {t('open311.addValue')}
          </Button>
        </div>
      )}
      {problems.map((p, i) => (
        <Typography.Text key={i} type="danger" style={{ display: 'block' }} role="alert">
          {t(`open311.problem.${p.key}`, p)}
        </Typography.Text>
      ))}
    </div>
  );
}
