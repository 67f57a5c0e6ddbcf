/**
 * Draft editor of an indicator system (analysts): the tree on the left (add a first-level indicator or a child,
 * remove a subtree), the chosen node on the right (code, names, weight within its parent; leaves: unit, direction,
 * normalisation; groups: direct weights or an AHP pairwise matrix on Saaty's scale). Saving replaces the draft
 * (PUT /systems/:id/draft — with only published versions it starts the next version); the server validates the
 * whole definition and answers each AHP matrix's CR and its most inconsistent judgement, shown on the matrix.
 * Publishing freezes the draft.
 */
import { Alert, App, Button, Card, Col, Empty, Form, Input, InputNumber, Popconfirm, Radio, Row, Select, Space, Tag, Tree, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage } from '../../shared/api';
import { jurisdictionDay } from '../../shared/time';
import { addChild, childrenOf, CODE_PATTERN, isLeaf, localProblems, nearestSaaty, removeNode, renameCode, SAATY, saatyLabel, setJudgement, setWeighting, updateNode } from './model';
import type { AhpCheck, EvalNode, EvalSystem, EvalVersion, Normalization } from '@civicgrid/contracts/evaluation';
import { fmt } from './types';

type Settings = EvalVersion['definition']['settings'];

interface TreeItem {
  key: string;
  title: string;
  children?: TreeItem[];
}

function AhpMatrix({ nodes, parent, check, dirty, onChange }: { nodes: EvalNode[]; parent: EvalNode; check: AhpCheck | undefined; dirty: boolean; onChange: (m: number[][]) => void }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const kids = childrenOf(nodes, parent.code);
  const m = parent.pairwise ?? [];
  const worst = check?.mostInconsistent ?? null;
  const wi = worst ? kids.findIndex((k) => k.code === worst.a) : -1;
  const wj = worst ? kids.findIndex((k) => k.code === worst.b) : -1;
  const isWorst = (i: number, j: number) => !!check && !check.consistent && ((i === wi && j === wj) || (i === wj && j === wi));
  const name = (code: string) => {
    const n = kids.find((k) => k.code === code);
    return n ? `${n.code} ${zh ? n.nameZh : n.nameEn}` : code;
  };
  return (
    <div data-testid="ahp-matrix">
      <Typography.Paragraph type="secondary">{t('evaluationViews.ahpHelp')}</Typography.Paragraph>
      <div style={{ overflowX: 'auto' }}>
        <table style={{ borderCollapse: 'collapse' }}>
          <thead>
            <tr>
              <th scope="col" style={{ padding: 4 }}>
                <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' }}>{t('evaluationViews.ahpCorner')}</span>
              </th>
              {kids.map((k) => (
                <th key={k.code} scope="col" style={{ padding: 4, fontWeight: 600 }}>
                  {k.code}
                </th>
              ))}
              <th scope="col" style={{ padding: 4, fontWeight: 600 }}>
                {t('evaluationViews.ahpWeight')}
              </th>
            </tr>
          </thead>
          <tbody>
            {kids.map((row, i) => (
              <tr key={row.code}>
                <th scope="row" style={{ padding: 4, textAlign: 'left', fontWeight: 600 }} title={zh ? row.nameZh : row.nameEn}>
                  {row.code}
                </th>
                {kids.map((col, j) => {
                  const v = m[i]?.[j] ?? 1;
                  const style = { padding: 4, border: isWorst(i, j) ? '2px solid #cf1322' : '1px solid #f0f0f0', minWidth: 72, textAlign: 'center' as const };
                  if (i === j) return <td key={col.code} style={style}>1</td>;
                  if (j < i)
                    return (
                      <td key={col.code} style={{ ...style, color: '#595959' }} data-testid={`ahp-cell-${i}-${j}`}>
                        {saatyLabel(nearestSaaty(v))}
                      </td>
                    );
                  return (
                    <td key={col.code} style={style} data-testid={`ahp-cell-${i}-${j}`} data-worst={isWorst(i, j) ? 'true' : undefined}>
                      <Select
                        size="small"
                        aria-label={t('evaluationViews.ahpJudgement', { a: row.code, b: col.code })}
                        value={nearestSaaty(v)}
                        style={{ width: 72 }}
                        virtual={false}
                        listHeight={420}
                        onChange={(x: number) => onChange(setJudgement(m, i, j, x))}
                        options={SAATY.map((s) => ({ value: s, label: saatyLabel(s) }))}
                      />
                    </td>
                  );
                })}
                <td style={{ padding: 4, textAlign: 'right' }}>{check && !dirty ? fmt(check.weights[i], 3) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div style={{ marginTop: 8 }} data-testid="ahp-cr">
        {!check || dirty ? (
          <Typography.Text type="secondary">{t('evaluationViews.crAfterSave')}</Typography.Text>
        ) : check.consistent ? (
          <Alert type="success" showIcon message={t('evaluationViews.crOk', { cr: fmt(check.CR, 3) })} />
        ) : (
          <Alert
            type="warning"
            showIcon
            message={t('evaluationViews.crHigh', { cr: fmt(check.CR, 3) })}
            description={worst ? t('evaluationViews.worstJudgement', { a: name(worst.a), b: name(worst.b), judgement: saatyLabel(nearestSaaty(worst.judgement)), implied: fmt(worst.implied, 2) }) : undefined}
          />
        )}
      </div>
    </div>
  );
}

function NodeForm({ nodes, code, ahp, dirty, onNodes }: { nodes: EvalNode[]; code: string; ahp: AhpCheck[]; dirty: boolean; onNodes: (n: EvalNode[], select?: string) => void }) {
  const { t } = useTranslation();
  const node = nodes.find((n) => n.code === code)!;
  const [codeText, setCodeText] = useState(code);
  useEffect(() => setCodeText(code), [code]);
  const leaf = isLeaf(nodes, code);
  const parent = node.parent === null ? null : nodes.find((n) => n.code === node.parent);
  const codeError = !CODE_PATTERN.test(codeText) ? t('evaluationViews.codeInvalid') : codeText !== code && nodes.some((n) => n.code === codeText) ? t('evaluationViews.codeTaken') : null;
  const set = (patch: Partial<EvalNode>) => onNodes(updateNode(nodes, code, patch));
  const norm = node.normalization ?? { method: 'minmax' };
  return (
    <Form layout="vertical" data-testid="node-form">
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item label={t('evaluationViews.code')} validateStatus={codeError ? 'error' : undefined} help={codeError ?? undefined}>
            <Input
              aria-label={t('evaluationViews.code')}
              value={codeText}
              onChange={(e) => setCodeText(e.target.value)}
              onBlur={() => !codeError && codeText !== code && onNodes(renameCode(nodes, code, codeText), codeText)}
              data-testid="node-code"
            />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item label={t('evaluationViews.nameZh')}>
            <Input aria-label={t('evaluationViews.nameZh')} value={node.nameZh} onChange={(e) => set({ nameZh: e.target.value })} data-testid="node-name-zh" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item label={t('evaluationViews.nameEn')}>
            <Input aria-label={t('evaluationViews.nameEn')} value={node.nameEn} onChange={(e) => set({ nameEn: e.target.value })} data-testid="node-name-en" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('evaluationViews.weightInParent')} extra={parent?.pairwise ? t('evaluationViews.weightFromAhp') : t('evaluationViews.weightHelp')}>
        <InputNumber aria-label={t('evaluationViews.weightInParent')} min={0} max={1e6} step={0.05} value={node.weight} disabled={!!parent?.pairwise} onChange={(v) => v !== null && set({ weight: v })} data-testid="node-weight" />
      </Form.Item>
      {leaf ? (
        <Row gutter={12}>
          <Col span={6}>
            <Form.Item label={t('evaluationViews.unit')}>
              <Input aria-label={t('evaluationViews.unit')} value={node.unit ?? ''} maxLength={40} onChange={(e) => set({ unit: e.target.value || undefined })} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item label={t('evaluationViews.direction')}>
              <Select
                aria-label={t('evaluationViews.direction')}
                value={node.direction ?? 'benefit'}
                onChange={(v: 'benefit' | 'cost') => set({ direction: v })}
                options={[
                  { value: 'benefit', label: t('evaluation.benefit') },
                  { value: 'cost', label: t('evaluation.cost') },
                ]}
                data-testid="node-direction"
              />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item label={t('evaluationViews.normalization')}>
              <Select
                aria-label={t('evaluationViews.normalization')}
                value={norm.method}
                onChange={(method: Normalization['method']) => set({ normalization: method === 'target' ? { method, threshold: 0, target: 100 } : { method } })}
                options={['minmax', 'zscore', 'target'].map((m) => ({ value: m, label: t(`evaluationViews.norm_${m}`) }))}
                data-testid="node-normalization"
              />
            </Form.Item>
          </Col>
          {norm.method === 'target' && (
            <Col span={6}>
              <Space>
                <Form.Item label={t('evaluationViews.threshold')}>
                  <InputNumber aria-label={t('evaluationViews.threshold')} value={norm.threshold} onChange={(v) => v !== null && set({ normalization: { ...norm, threshold: v } })} />
                </Form.Item>
                <Form.Item label={t('evaluationViews.target')}>
                  <InputNumber aria-label={t('evaluationViews.target')} value={norm.target} onChange={(v) => v !== null && set({ normalization: { ...norm, target: v } })} />
                </Form.Item>
              </Space>
            </Col>
          )}
        </Row>
      ) : (
        <>
          <Form.Item label={t('evaluationViews.weighting')}>
            <Radio.Group
              value={node.pairwise ? 'ahp' : 'direct'}
              onChange={(e) => onNodes(setWeighting(nodes, code, e.target.value as 'direct' | 'ahp'))}
              options={[
                { value: 'direct', label: t('evaluationViews.weightingDirect') },
                { value: 'ahp', label: t('evaluationViews.weightingAhp') },
              ]}
              data-testid="node-weighting"
            />
          </Form.Item>
          {node.pairwise && <AhpMatrix nodes={nodes} parent={node} check={ahp.find((a) => a.node === code)} dirty={dirty} onChange={(pairwise) => set({ pairwise })} />}
        </>
      )}
    </Form>
  );
}

export function DraftEditor({ systems, onChanged }: { systems: EvalSystem[]; onChanged: () => Promise<unknown> }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const { message } = App.useApp();
  const [systemId, setSystemId] = useState<string | null>(null);
  const [nodes, setNodes] = useState<EvalNode[] | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<EvalVersion | null>(null);
  const [base, setBase] = useState<number | null>(null);
  const [ahp, setAhp] = useState<AhpCheck[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const system = systems.find((s) => s.id === systemId) ?? null;

  // Open the system's draft, or its latest version as the start of the next draft.
  useEffect(() => {
    if (!system) return;
    let cancelled = false;
    const head = system.versions.find((v) => v.status === 'draft') ?? system.versions.at(-1);
    if (!head) return;
    setError(null);
    api
      .get<{ version: EvalVersion }>(`/api/v1/evaluation/systems/${system.id}/versions/${head.version}`)
      .then(({ version }) => {
        if (cancelled) return;
        setNodes(version.definition.nodes);
        setSettings(version.definition.settings);
        setDraft(version.status === 'draft' ? version : null);
        setBase(version.status === 'draft' ? null : version.version);
        setAhp(version.ahp);
        setDirty(false);
        setSelected(null);
      })
      .catch((e: unknown) => !cancelled && setError(errorMessage(e)));
    return () => {
      cancelled = true;
    };
    // Reload only when another system is chosen, not when the list refreshes after a save (hence the id).
  }, [systemId]);

  const tree = useMemo(() => {
    if (!nodes) return [];
    const build = (parent: string | null): TreeItem[] =>
      childrenOf(nodes, parent).map((n) => {
        const children = build(n.code);
        return { key: n.code, title: `${n.code} ${zh ? n.nameZh : n.nameEn}`, ...(children.length ? { children } : {}) };
      });
    return build(null);
  }, [nodes, zh]);

  const edit = (next: EvalNode[], select?: string) => {
    setNodes(next);
    setDirty(true);
    if (select !== undefined) setSelected(select);
  };

  const createDraftSystem = async () => {
    setBusy(true);
    try {
      const code = `draft-${jurisdictionDay()}-${Math.random().toString(36).slice(2, 6)}`;
      const s = (await api.post<{ system: EvalSystem }>('/api/v1/evaluation/systems', { code, nameZh: t('evaluationViews.newSystemZh'), nameEn: t('evaluationViews.newSystemEn'), template: 'default' })).system;
      await onChanged();
      setSystemId(s.id);
      message.success(t('evaluationViews.draftCreated'));
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const save = async (): Promise<EvalVersion | null> => {
    if (!system || !nodes || !settings) return null;
    const problems = localProblems(nodes);
    if (problems.length) {
      message.error(t(`evaluationViews.problem_${problems[0]!.problem}`, { code: problems[0]!.code }));
      setSelected(problems[0]!.code);
      return null;
    }
    setBusy(true);
    try {
      const { version } = await api.put<{ version: EvalVersion }>(`/api/v1/evaluation/systems/${system.id}/draft`, { nodes, settings });
      setDraft(version);
      setBase(null);
      setAhp(version.ahp);
      setDirty(false);
      await onChanged();
      const inconsistent = version.ahp.filter((a) => !a.consistent);
      if (inconsistent.length) message.warning(t('evaluationViews.savedInconsistent', { nodes: inconsistent.map((a) => a.node).join(', ') }));
      else message.success(t('evaluationViews.draftSaved', { version: version.version }));
      return version;
    } catch (e) {
      message.error(errorMessage(e));
      return null;
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    if (!system) return;
    if (dirty && !(await save())) return;
    setBusy(true);
    try {
      const { version } = await api.post<{ version: EvalVersion }>(`/api/v1/evaluation/systems/${system.id}/publish`);
      message.success(t('evaluationViews.published', { version: version.version }));
      setDraft(null);
      setBase(version.version);
      await onChanged();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const status = draft ? t('evaluationViews.editingDraft', { version: draft.version }) : base !== null ? t('evaluationViews.editingFrom', { version: base }) : '';
  const inconsistent = dirty ? [] : ahp.filter((a) => !a.consistent);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle" data-testid="draft-editor">
      <Space wrap>
        <Select
          aria-label={t('evaluationViews.editSystem')}
          placeholder={t('evaluationViews.editSystem')}
          style={{ minWidth: 320 }}
          value={systemId}
          onChange={setSystemId}
          options={systems.map((s) => ({ value: s.id, label: `${zh ? s.nameZh : s.nameEn} (${s.code})` }))}
          data-testid="editor-system"
        />
        <Button onClick={() => void createDraftSystem()} loading={busy} data-testid="new-draft-system">
          {t('evaluationViews.newFromTemplate')}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon message={error} role="alert" />}
      {!system || !nodes ? (
        <Empty description={t('evaluationViews.pickSystemToEdit')} />
      ) : (
        <>
          <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
            <Space wrap>
              <Typography.Text strong data-testid="editor-status">
                {status}
              </Typography.Text>
              {dirty && <Tag color="orange">{t('evaluationViews.unsaved')}</Tag>}
              {system.versions
                .filter((v) => v.status === 'published')
                .map((v) => (
                  <Tag key={v.id}>{t('evaluationViews.publishedTag', { version: v.version })}</Tag>
                ))}
            </Space>
            <Space>
              <Button onClick={() => void save()} loading={busy} disabled={!dirty && !!draft} data-testid="save-draft">
                {t('evaluationViews.saveDraft')}
              </Button>
              <Popconfirm title={t('evaluationViews.publishConfirm')} onConfirm={() => void publish()} okText={t('evaluationViews.publish')} cancelText={t('common.cancel')}>
                <Button type="primary" loading={busy} disabled={!draft && !dirty} data-testid="publish-draft">
                  {t('evaluationViews.publish')}
                </Button>
              </Popconfirm>
            </Space>
          </Space>
          {inconsistent.length > 0 && (
            <Alert type="warning" showIcon message={t('evaluationViews.inconsistentNodes', { nodes: inconsistent.map((a) => `${a.node} (CR ${fmt(a.CR, 3)})`).join(', ') })} data-testid="inconsistent-alert" />
          )}
          <Row gutter={16}>
            <Col xs={24} lg={9}>
              <Card
                size="small"
                title={t('evaluationViews.treeTitle', { count: nodes.length })}
                extra={
                  <Space size={4}>
                    <Button size="small" onClick={() => (({ nodes: n, code }) => edit(n, code))(addChild(nodes, null, { nameZh: t('evaluationViews.newNodeZh'), nameEn: t('evaluationViews.newNodeEn') }))}>
                      {t('evaluationViews.addTop')}
                    </Button>
                    <Button
                      size="small"
                      disabled={!selected}
                      data-testid="add-child"
                      onClick={() => selected && (({ nodes: n, code }) => edit(n, code))(addChild(nodes, selected, { nameZh: t('evaluationViews.newNodeZh'), nameEn: t('evaluationViews.newNodeEn') }))}
                    >
                      {t('evaluationViews.addChild')}
                    </Button>
                    <Popconfirm title={t('evaluationViews.removeConfirm', { code: selected ?? '' })} onConfirm={() => selected && (edit(removeNode(nodes, selected)), setSelected(null))} okText={t('evaluationViews.remove')} cancelText={t('common.cancel')}>
                      <Button size="small" danger disabled={!selected} data-testid="remove-node">
                        {t('evaluationViews.remove')}
                      </Button>
                    </Popconfirm>
                  </Space>
                }
              >
                <Tree
                  treeData={tree}
                  defaultExpandAll
                  key={nodes.length}
                  selectedKeys={selected ? [selected] : []}
                  onSelect={(keys) => setSelected((keys[0] as string | undefined) ?? null)}
                  style={{ maxHeight: 560, overflow: 'auto' }}
                  data-testid="editor-tree"
                />
              </Card>
            </Col>
            <Col xs={24} lg={15}>
              <Card size="small" title={selected ? t('evaluationViews.nodeTitle', { code: selected }) : t('evaluationViews.pickNode')}>
                {selected && nodes.some((n) => n.code === selected) ? (
                  <NodeForm nodes={nodes} code={selected} ahp={ahp} dirty={dirty} onNodes={edit} />
                ) : (
                  <Typography.Text type="secondary">{t('evaluationViews.pickNodeHelp')}</Typography.Text>
                )}
              </Card>
            </Col>
          </Row>
        </>
      )}
    </Space>
  );
}
