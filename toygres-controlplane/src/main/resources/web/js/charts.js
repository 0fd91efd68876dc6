// Response-time charts drawn as plain SVG. Checks arrive newest first, as the API sends them.

import {s, formatMs, formatTime} from './dom.js';

// Unhealthy checks are marked red; 'unknown' ones (a stopped server is not probed) grey.
const failed = (c) => c.status === 'unhealthy';
const unknown = (c) => c.status !== 'healthy' && c.status !== 'unhealthy';

/** A small line of recent response times; unhealthy checks are red dots. */
export function sparkline(checks, {width = 120, height = 26} = {}) {
  const points = [...checks].reverse();
  const label = points.length
    ? `${points.length} recent checks, latest ${formatMs(points[points.length - 1].response_time_ms)}`
      + `${points.some(failed) ? `, ${points.filter(failed).length} unhealthy` : ''}`
    : 'no checks yet';
  const svg = s('svg', {class: 'sparkline', width, height, viewBox: `0 0 ${width} ${height}`,
    role: 'img', 'aria-label': label}, s('title', null, label));
  if (!points.length) return svg;
  const max = Math.max(1, ...points.map((c) => c.response_time_ms || 0));
  const pad = 3;
  const x = (i) => (points.length === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (points.length - 1));
  const y = (ms) => height - pad - ((ms || 0) / max) * (height - 2 * pad);
  const line = points.map((c, i) => (c.response_time_ms == null ? null : `${x(i).toFixed(1)},${y(c.response_time_ms).toFixed(1)}`))
    .filter(Boolean).join(' ');
  if (line) svg.append(s('polyline', {points: line, class: 'spark-line'}));
  points.forEach((c, i) => {
    if (failed(c) || unknown(c)) {
      svg.append(s('circle', {cx: x(i), cy: c.response_time_ms == null ? height - pad : y(c.response_time_ms), r: 2.2,
        class: failed(c) ? 'spark-bad' : 'spark-unknown'}));
    }
  });
  return svg;
}

function niceMax(v) {
  if (v <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * The instance page's chart: response time over time, unhealthy checks as red bands and dots.
 * `from`/`to` (ms since epoch) fix the x axis; by default it spans the checks.
 */
export function historyChart(checks, {width = 1160, height = 260, from, to} = {}) {
  const points = [...checks].reverse();
  const bad = points.filter(failed).length;
  const label = points.length
    ? `Response time of ${points.length} health checks from ${formatTime(points[0].checked_at)}`
      + ` to ${formatTime(points[points.length - 1].checked_at)}; ${bad} unhealthy`
    : 'No health checks in this window';
  const svg = s('svg', {id: 'health-chart', class: 'chart', viewBox: `0 0 ${width} ${height}`,
    role: 'img', 'aria-label': label, dataset: {points: points.length, unhealthy: bad}},
  s('title', null, label));
  const m = {l: 48, r: 12, t: 10, b: 26};
  const w = width - m.l - m.r;
  const ht = height - m.t - m.b;
  if (!points.length) {
    svg.append(s('text', {x: width / 2, y: height / 2, class: 'chart-empty', 'text-anchor': 'middle'}, 'No health checks in this window'));
    return svg;
  }
  const t0 = from ?? Date.parse(points[0].checked_at);
  const t1 = Math.max(to ?? Date.parse(points[points.length - 1].checked_at), t0 + 1000);
  const max = niceMax(Math.max(...points.map((c) => c.response_time_ms || 0)));
  const x = (iso) => m.l + ((Date.parse(iso) - t0) / (t1 - t0)) * w;
  const y = (ms) => m.t + ht - ((ms || 0) / max) * ht;

  for (const f of [0, 0.5, 1]) {
    const yy = m.t + ht - f * ht;
    svg.append(s('line', {x1: m.l, x2: m.l + w, y1: yy, y2: yy, class: 'gridline'}));
    svg.append(s('text', {x: m.l - 6, y: yy + 4, 'text-anchor': 'end', class: 'axis'}, formatMs(max * f)));
  }
  svg.append(s('text', {x: m.l, y: height - 6, class: 'axis'}, formatTime(new Date(t0).toISOString())));
  svg.append(s('text', {x: m.l + w, y: height - 6, 'text-anchor': 'end', class: 'axis'}, formatTime(new Date(t1).toISOString())));

  const band = Math.max(2, w / Math.max(points.length, 1) * 0.8);
  for (const c of points.filter(failed)) {
    svg.append(s('rect', {x: x(c.checked_at) - band / 2, y: m.t, width: band, height: ht, class: 'bad-band'}));
  }
  const line = points.filter((c) => c.response_time_ms != null)
    .map((c) => `${x(c.checked_at).toFixed(1)},${y(c.response_time_ms).toFixed(1)}`).join(' ');
  if (line) svg.append(s('polyline', {points: line, class: 'chart-line'}));
  const dots = points.length <= 300;
  for (const c of points) {
    const isBad = failed(c);
    if (!isBad && !unknown(c) && !dots) continue;
    const tip = `${formatTime(c.checked_at)} · ${c.status} · ${formatMs(c.response_time_ms)}${c.error_message ? ` · ${c.error_message}` : ''}`;
    svg.append(s('circle', {cx: x(c.checked_at), cy: c.response_time_ms == null ? m.t + ht : y(c.response_time_ms),
      r: isBad ? 3.5 : unknown(c) ? 3 : 2, class: isBad ? 'dot-bad' : unknown(c) ? 'dot-unknown' : 'dot'},
    s('title', null, tip)));
  }
  return svg;
}
