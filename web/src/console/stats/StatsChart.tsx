/**
 * One chart of the statistics page: a line (daily trend), horizontal bars (by category, district, status) or a pie
 * (satisfaction). ECharts is imported piecewise through `echarts/core` with the SVG renderer, and this module is
 * loaded lazily (React.lazy in StatsPage), so the console's initial bundle does not carry it. The element is an
 * image for assistive technology, labelled with the figures it shows.
 */
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([LineChart, BarChart, PieChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

export interface Series {
  name: string;
  values: number[];
  color: string;
}

export type ChartSpec =
  | { kind: 'line'; categories: string[]; series: Series[] }
  | { kind: 'bar'; categories: string[]; series: Series[] }
  | { kind: 'pie'; slices: { name: string; value: number; color: string }[] };

function option(spec: ChartSpec): echarts.EChartsCoreOption {
  const text = { color: '#262626' };
  if (spec.kind === 'pie') {
    return {
      aria: { enabled: false },
      tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
      legend: { bottom: 0, textStyle: text },
      series: [
        {
          type: 'pie',
          radius: ['35%', '62%'],
          center: ['50%', '45%'],
          label: { formatter: '{c}', color: '#262626' },
          data: spec.slices.map((s) => ({ name: s.name, value: s.value, itemStyle: { color: s.color } })),
        },
      ],
    };
  }
  if (spec.kind === 'line') {
    return {
      aria: { enabled: false },
      tooltip: { trigger: 'axis' },
      legend: { top: 0, textStyle: text },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: spec.categories, axisLabel: { color: '#434343', formatter: (v: string) => v.slice(5) } },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#434343' } },
      series: spec.series.map((s) => ({ type: 'line', name: s.name, data: s.values, smooth: false, symbolSize: 5, itemStyle: { color: s.color }, lineStyle: { color: s.color, width: 2 } })),
    };
  }
  // Bars lie down so that long Chinese names stay readable; the largest is on top.
  return {
    aria: { enabled: false },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, textStyle: text },
    grid: { left: 8, right: 32, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { color: '#434343' } },
    yAxis: { type: 'category', inverse: true, data: spec.categories, axisLabel: { color: '#262626', width: 120, overflow: 'truncate' } },
    series: spec.series.map((s) => ({ type: 'bar', name: s.name, data: s.values, itemStyle: { color: s.color }, barMaxWidth: 18, label: { show: true, position: 'right', color: '#262626' } })),
  };
}

export default function StatsChart({ spec, label, testId, height = 300 }: { spec: ChartSpec; label: string; testId: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption(option(spec));
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [spec]);
  return <div ref={ref} role="img" aria-label={label} data-testid={testId} className="wo-stats-chart" style={{ width: '100%', height }} />;
}
