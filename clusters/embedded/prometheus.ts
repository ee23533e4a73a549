import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ComponentProcess } from '../process/index.ts';

export interface PrometheusOptions {
  readonly binary: string;
  readonly port: number;
  readonly configFile: string;
  readonly dataDir: string;
  /** kubeconfig Prometheus uses for Kubernetes service discovery against the embedded API server. */
  readonly kubeconfig: string;
  readonly caFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly controllerManagerPort: number;
  readonly schedulerPort: number;
  /** Where the mesh serves Istio's standard metrics. */
  readonly meshMetricsPort: number;
  /** Targets that come and go with a run (the harness's load metrics, Flagger), as file_sd JSON files. */
  readonly scrapeTargetsDir: string;
  readonly logFile: string;
  readonly owner: string;
}

/** Fast enough for scenarios that judge a canary every few seconds. */
export const SCRAPE_INTERVAL = '2s';

/**
 * Scrape configuration: pods that opt in with `prometheus.io/scrape: "true"` (found through the
 * real API server's Kubernetes service discovery; their 127.x addresses are reachable from here),
 * the mesh's Istio metrics, the targets a run registers while it lasts, the controller-manager and
 * scheduler, and Prometheus itself.
 */
export function prometheusConfig(o: PrometheusOptions): Record<string, unknown> {
  const tls = { ca_file: o.caFile, cert_file: o.clientCertFile, key_file: o.clientKeyFile };
  return {
    global: { scrape_interval: SCRAPE_INTERVAL, evaluation_interval: SCRAPE_INTERVAL },
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${o.port}`] }] },
      { job_name: 'mesh', static_configs: [{ targets: [`127.0.0.1:${o.meshMetricsPort}`] }] },
      { job_name: 'testbed', file_sd_configs: [{ files: [join(o.scrapeTargetsDir, '*.json')], refresh_interval: SCRAPE_INTERVAL }] },
      {
        job_name: 'kubernetes-pods',
        kubernetes_sd_configs: [{ role: 'pod', kubeconfig_file: o.kubeconfig }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], action: 'keep', regex: 'true' },
          { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], action: 'replace', target_label: '__metrics_path__', regex: '(.+)' },
          {
            source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
            action: 'replace',
            regex: '([^:]+)(?::\\d+)?;(\\d+)',
            replacement: '$1:$2',
            target_label: '__address__',
          },
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
          { source_labels: ['__meta_kubernetes_pod_label_app'], target_label: 'app' },
        ],
      },
      { job_name: 'kube-controller-manager', scheme: 'https', tls_config: tls, static_configs: [{ targets: [`127.0.0.1:${o.controllerManagerPort}`] }] },
      { job_name: 'kube-scheduler', scheme: 'https', tls_config: tls, static_configs: [{ targets: [`127.0.0.1:${o.schedulerPort}`] }] },
    ],
  };
}

export function prometheusFlags(o: PrometheusOptions): string[] {
  return [
    `--config.file=${o.configFile}`,
    `--storage.tsdb.path=${o.dataDir}`,
    `--web.listen-address=127.0.0.1:${o.port}`,
    '--web.enable-remote-write-receiver',
    '--storage.tsdb.retention.time=1d',
    '--log.level=warn',
  ];
}

export class Prometheus extends ComponentProcess {
  constructor(readonly options: PrometheusOptions) {
    super({ name: 'prometheus', command: options.binary, args: prometheusFlags(options), logFile: options.logFile, owner: options.owner });
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    await writeFile(this.options.configFile, stringify(prometheusConfig(this.options)));
    await this.startHealthy(async () => (await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok, timeoutMs, 'ready on /-/ready');
  }
}
