/** The jurisdiction at a glance: its districts on the map (click one for its name and GB/T 2260 code). */
import { Alert, Card, Col, List, Row, Skeleton, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { divisionName, type DivisionProps } from '../../shared/map/geo';
import { useDivisions } from '../../shared/map/use-divisions';

const CityMap = lazy(() => import('../../shared/map/CityMap'));

export function OverviewPage() {
  const { t, i18n } = useTranslation();
  const { data, error } = useDivisions('district');
  const [selected, setSelected] = useState<DivisionProps | null>(null);
  return (
    <>
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('overview.title')}
      </Typography.Title>
      {error && <Alert type="error" showIcon message={error} role="alert" />}
      {!data && !error && <Skeleton active />}
      {data && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={17}>
            <Card styles={{ body: { padding: 8 } }}>
              <Suspense fallback={<Skeleton active />}>
                <CityMap data={data} height={560} selectedCode={selected?.code ?? null} onSelect={setSelected} />
              </Suspense>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('map.attribution')}
              </Typography.Text>
            </Card>
          </Col>
          <Col xs={24} lg={7}>
            <Card title={t('overview.districts', { count: data.features.length })} styles={{ body: { padding: 0, maxHeight: 560, overflow: 'auto' } }}>
              <List
                size="small"
                dataSource={data.features}
                data-testid="district-list"
                renderItem={(f) => (
                  <List.Item
                    style={{ paddingInline: 16, background: selected?.code === f.properties.code ? '#fff4e0' : undefined }}
                  >
                    <button
                      type="button"
                      onClick={() => setSelected(f.properties)}
                      className="cg-link-button"
                      aria-pressed={selected?.code === f.properties.code}
                    >
                      {divisionName(f.properties, i18n.language)}
                    </button>
                    <Typography.Text type="secondary">{f.properties.code}</Typography.Text>
                  </List.Item>
                )}
              />
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
