/** Text made safe to put between tags or inside an attribute. */
export const esc = (value: unknown): string =>
  String(value ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A check's expected or observed value as a reader scans it: strings as they are, the rest as JSON. */
export const show = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value, null, 1) ?? 'undefined');

/** `kube-apiserver shared, flagger exclusive`: what of the cluster an attempt held beyond its namespace. */
export const holdsText = (holds: Readonly<Record<string, string>>): string =>
  Object.entries(holds)
    .map(([part, mode]) => `${part} ${mode}`)
    .join(', ');

/** A metric as a table shows it: integers as they are, the rest to two decimals; – when absent. */
export const metricValue = (v: number | undefined): string => (v === undefined ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(2));

export const seconds = (ms: number): string => (ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${(ms / 1000).toFixed(1)} s`);

/** An anchor id for a scenario's section. */
export const scenarioAnchor = (scenario: string): string => `scenario-${scenario.replace(/[^a-zA-Z0-9_-]/g, '_')}`;
