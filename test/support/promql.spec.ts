import { metricNamesIn } from './promql';

describe('metricNamesIn', () => {
  it('finds the metrics of an expression, not its functions, labels, keywords or numbers', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.95, sum by (le, connector) (rate(connector_host_x_bucket{connector=~"$connector", status!~"2..|404"}[$__rate_interval]))) / on (connector) group_left () max without (queue) (connector_host_y) > 1e3 and time() - z_total offset 5m > 6 * 3600',
      ).sort(),
    ).toEqual(['connector_host_x_bucket', 'connector_host_y', 'z_total']);
    expect(metricNamesIn('up{job="connector-host"} == 0')).toEqual(['up']);
    expect(metricNamesIn('deriv(max by (connector) (q{queue="export"})[10m:1m]) > 0')).toEqual(['q']);
  });
});
