/**
 * Radar of one entity's first-level scores. ECharts is imported piecewise through `echarts/core` (radar chart,
 * tooltip, SVG renderer) and this module is loaded lazily, so the console chunk does not carry it.
 */
import { RadarChart as Radar } from 'echarts/charts';
import { AriaComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

echarts.use([Radar, TooltipComponent, AriaComponent, SVGRenderer]);

export interface RadarAxis {
  name: string;
  value: number | null;
}

export default function RadarChart({ axes, seriesName, label }: { axes: RadarAxis[]; seriesName: string; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption({
      aria: { enabled: false },
      tooltip: { trigger: 'item' },
      radar: { indicator: axes.map((a) => ({ name: a.name, max: 100, min: 0 })), radius: '65%', axisName: { color: '#262626' } },
      series: [
        {
          type: 'radar',
          name: seriesName,
          data: [{ name: seriesName, value: axes.map((a) => (a.value === null ? 0 : Math.round(a.value * 10) / 10)), areaStyle: { opacity: 0.25 }, label: { show: true, color: '#262626' } }],
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [axes, seriesName]);
  return <div ref={ref} role="img" aria-label={label} data-testid="radar-chart" style={{ width: '100%', height: 320 }} />;
}
