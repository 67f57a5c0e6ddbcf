/**
 * The score and the main rates per day / week / month. ECharts through `echarts/core` (line chart, tooltip, legend,
 * grid, SVG renderer), loaded lazily so the console chunk does not carry it.
 */
import { LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, SVGRenderer]);

export interface TrendSeries {
  name: string;
  /** Percent values (0–100) or null for no data. */
  values: Array<number | null>;
}

export default function TrendChart({ labels, series, label }: { labels: string[]; series: TrendSeries[]; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption({
      aria: { enabled: false },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: { color: '#262626' } },
      grid: { left: 40, right: 16, top: 40, bottom: 28 },
      xAxis: { type: 'category', data: labels, axisLabel: { color: '#262626' } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { color: '#262626' } },
      series: series.map((s) => ({ type: 'line', name: s.name, data: s.values, connectNulls: false, symbolSize: 6 })),
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [labels, series]);
  return <div ref={ref} role="img" aria-label={label} data-testid="trend-chart" style={{ width: '100%', height: 320 }} />;
}
