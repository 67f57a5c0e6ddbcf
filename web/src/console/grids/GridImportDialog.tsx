/**
 * The grid layer import: choose a GeoJSON file, check it (a dry run: counts, invalid geometries, overlaps and gaps
 * beyond the tolerance, grids outside the jurisdiction, codes kept and assigned), then import it with a progress
 * bar fed by the server's NDJSON progress lines.
 */
import { Alert, Button, Checkbox, Descriptions, Input, Modal, Progress, Radio, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api';
import { importGrids, type GridImportReport, type ImportStep } from './api';
import { bytesToBase64, codeCounts, hasProblems, importPercent } from './model';

function ReportView({ report }: { report: GridImportReport }) {
  const { t, i18n } = useTranslation();
  const n = (x: number) => x.toLocaleString(i18n.language);
  const area = (m2: number) => `${n(Math.round(m2))} m²`;
  const codes = codeCounts(report);
  const title = report.applied ? 'grids.import.applied' : report.dryRun ? 'grids.import.checked' : report.rejectedCount > 0 ? 'grids.import.blocked' : 'grids.import.nothing';
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="grid-import-report">
      <Alert
        type={report.applied ? 'success' : hasProblems(report) ? 'warning' : 'info'}
        showIcon
        message={t(title, { inserted: report.inserted, updated: report.updated, removed: report.removed })}
      />
      {report.dryRun && report.wouldRemove > 0 && <Alert type="warning" showIcon message={t('grids.import.wouldRemove', { n: n(report.wouldRemove) })} data-testid="grid-import-would-remove" />}
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t('grids.import.total')}>{n(report.total)}</Descriptions.Item>
        <Descriptions.Item label={t('grids.import.accepted')}>{n(report.accepted)}</Descriptions.Item>
        <Descriptions.Item label={t('grids.import.rejected')}>
          <span data-testid="grid-import-rejected">{n(report.rejectedCount)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('grids.import.codes')}>{t('grids.import.codesValue', { kept: n(codes.kept), assigned: n(codes.assigned) })}</Descriptions.Item>
        <Descriptions.Item label={t('grids.import.overlaps')}>{n(report.overlaps.count)}</Descriptions.Item>
        <Descriptions.Item label={t('grids.import.gaps')}>{n(report.gaps.count)}</Descriptions.Item>
        <Descriptions.Item label={t('grids.import.outside')}>{report.outside.checked ? n(report.outside.count) : t('grids.import.notChecked')}</Descriptions.Item>
        <Descriptions.Item label={t('grids.import.tolerance')}>{area(report.toleranceM2)}</Descriptions.Item>
      </Descriptions>
      {report.rejectedCount > 0 && (
        <section>
          <Typography.Title level={5}>{t('grids.import.rejectedTitle')}</Typography.Title>
          <Table
            size="small"
            rowKey={(r) => `${r.index}-${r.reason}`}
            dataSource={report.rejected}
            pagination={{ pageSize: 5, hideOnSinglePage: true }}
            data-testid="grid-import-rejected-table"
            columns={[
              { title: t('grids.import.feature'), dataIndex: 'index', width: 90, render: (v: number) => v + 1 },
              { title: t('grids.import.reason'), dataIndex: 'message' },
            ]}
          />
        </section>
      )}
      {report.overlaps.count > 0 && (
        <section>
          <Typography.Title level={5}>{t('grids.import.overlapsTitle')}</Typography.Title>
          <Table
            size="small"
            rowKey={(r) => `${r.a}-${r.b}`}
            dataSource={report.overlaps.items}
            pagination={{ pageSize: 5, hideOnSinglePage: true }}
            columns={[
              { title: t('grids.import.pair'), key: 'pair', render: (_: unknown, r) => `${r.codes[0] || `#${r.a + 1}`} ↔ ${r.codes[1] || `#${r.b + 1}`}` },
              { title: t('grids.import.area'), dataIndex: 'areaM2', width: 140, render: area },
            ]}
          />
        </section>
      )}
      {report.gaps.count > 0 && (
        <section>
          <Typography.Title level={5}>{t('grids.import.gapsTitle')}</Typography.Title>
          <Table
            size="small"
            rowKey={(r) => `${r.district}-${r.lng}-${r.lat}`}
            dataSource={report.gaps.items}
            pagination={{ pageSize: 5, hideOnSinglePage: true }}
            columns={[
              { title: t('grids.field.district'), dataIndex: 'district', width: 110 },
              { title: t('grids.import.where'), key: 'where', render: (_: unknown, r) => `${r.lng.toFixed(5)}, ${r.lat.toFixed(5)}` },
              { title: t('grids.import.area'), dataIndex: 'areaM2', width: 140, render: area },
            ]}
          />
        </section>
      )}
      {report.outside.count > 0 && (
        <section>
          <Typography.Title level={5}>{t('grids.import.outsideTitle')}</Typography.Title>
          <Table
            size="small"
            rowKey="index"
            dataSource={report.outside.items}
            pagination={{ pageSize: 5, hideOnSinglePage: true }}
            columns={[
              { title: t('grids.import.feature'), dataIndex: 'index', width: 90, render: (v: number) => v + 1 },
              { title: t('grids.field.code'), dataIndex: 'code' },
              { title: t('grids.import.outsideArea'), dataIndex: 'areaM2', width: 160, render: area },
            ]}
          />
        </section>
      )}
    </Space>
  );
}

export function GridImportDialog({ open, onClose, onImported }: { open: boolean; onClose: () => void; onImported: () => void }) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [checks, setChecks] = useState<'full' | 'validity'>('full');
  const [skipRejected, setSkipRejected] = useState(false);
  const [codeField, setCodeField] = useState('code');
  const [communityField, setCommunityField] = useState('community_code');
  const [step, setStep] = useState<ImportStep | null>(null);
  const [running, setRunning] = useState<'check' | 'import' | null>(null);
  const [report, setReport] = useState<GridImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reset = () => {
    setStep(null);
    setReport(null);
    setError(null);
  };
  const run = async (dryRun: boolean) => {
    if (!file) return;
    reset();
    setRunning(dryRun ? 'check' : 'import');
    try {
      let layer: { geojson: unknown } | { shapefileZip: string };
      if (file.name.toLowerCase().endsWith('.zip')) layer = { shapefileZip: bytesToBase64(new Uint8Array(await file.arrayBuffer())) };
      else {
        try {
          layer = { geojson: JSON.parse(await file.text()) as unknown };
        } catch {
          throw new Error(t('grids.import.notJson'));
        }
      }
      const fields = { codeField: codeField.trim() || 'code', communityField: communityField.trim() || 'community_code' };
      const r = await importGrids({ ...layer, ...fields, dryRun, skipRejected, checks }, setStep);
      setReport(r);
      setStep({ phase: 'write', done: 1, total: 1 });
      if (r.applied) onImported();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(null);
    }
  };
  const checked = report !== null && report.dryRun;
  const percent = importPercent(step);
  return (
    <Modal
      open={open}
      title={t('grids.import.title')}
      onCancel={running ? undefined : onClose}
      closable={!running}
      maskClosable={false}
      width={760}
      footer={[
        <Button key="close" onClick={onClose} disabled={running !== null}>
          {t('grids.import.close')}
        </Button>,
        <Button key="check" onClick={() => void run(true)} loading={running === 'check'} disabled={!file || running !== null} data-testid="grid-import-check">
          {t('grids.import.check')}
        </Button>,
        <Button key="start" type="primary" onClick={() => void run(false)} loading={running === 'import'} disabled={!checked || running !== null} data-testid="grid-import-start">
          {t('grids.import.start')}
        </Button>,
      ]}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('grids.import.help')}</Typography.Paragraph>
        <input
          type="file"
          accept=".geojson,.json,.zip,application/geo+json,application/json,application/zip"
          data-testid="grid-import-file"
          aria-label={t('grids.import.file')}
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            reset();
          }}
        />
        <Space wrap>
          <Radio.Group
            value={checks}
            onChange={(e) => {
              setChecks(e.target.value as 'full' | 'validity');
              reset();
            }}
            aria-label={t('grids.import.checks')}
            options={[
              { value: 'full', label: t('grids.import.checksFull') },
              { value: 'validity', label: t('grids.import.checksValidity') },
            ]}
          />
          <Checkbox checked={skipRejected} onChange={(e) => setSkipRejected(e.target.checked)} data-testid="grid-import-skip">
            {t('grids.import.skipRejected')}
          </Checkbox>
        </Space>
        <Space wrap>
          <label>
            {t('grids.import.codeField')}{' '}
            <Input size="small" style={{ width: 160 }} value={codeField} onChange={(e) => setCodeField(e.target.value)} data-testid="grid-import-code-field" />
          </label>
          <label>
            {t('grids.import.communityField')}{' '}
            <Input size="small" style={{ width: 160 }} value={communityField} onChange={(e) => setCommunityField(e.target.value)} data-testid="grid-import-community-field" />
          </label>
        </Space>
        {!checked && !report && <Typography.Text type="secondary">{t('grids.import.checkFirst')}</Typography.Text>}
        {(running || step) && (
          <div data-testid="grid-import-progress" data-percent={percent}>
            <Progress percent={percent} status={error ? 'exception' : percent === 100 ? 'success' : 'active'} aria-label={t('grids.import.progress')} />
            {step && running && <Typography.Text type="secondary">{t(`grids.import.phase.${step.phase}`, { done: step.done.toLocaleString(i18n.language), total: step.total.toLocaleString(i18n.language) })}</Typography.Text>}
          </div>
        )}
        {error && <Alert type="error" message={error} data-testid="grid-import-error" />}
        {report && <ReportView report={report} />}
      </Space>
    </Modal>
  );
}
