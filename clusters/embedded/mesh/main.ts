import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { GATEWAY_WORKLOAD, MeshProxy } from './mesh-proxy.ts';
import { IstioMetrics } from './istio-metrics.ts';
import type { MeshConfig } from './mesh-config.ts';
import { MeshState } from './mesh-state.ts';
import { Partitions } from './partitions.ts';
import { ServiceListeners } from './service-listeners.ts';
import { VirtualServiceRouter } from './virtual-service-router.ts';

const log = (message: string) => process.stdout.write(`${new Date().toISOString()} ${message}\n`);
const configFile = process.argv[2];
if (!configFile) {
  process.stderr.write('usage: mesh CONFIG.json\n');
  process.exit(2);
}
const config = JSON.parse(await readFile(configFile, 'utf8')) as MeshConfig;
const kc = new KubeConfig();
kc.loadFromFile(config.kubeconfig);
const state = new MeshState(kc, log);
const metrics = new IstioMetrics();
const partitions = new Partitions();
await state.start();
const gateway = new MeshProxy({
  address: '127.0.0.1',
  port: config.gatewayPort,
  source: () => GATEWAY_WORKLOAD,
  route: (req) => new VirtualServiceRouter(state.snapshot()).route(req),
  metrics,
  partitions,
  log,
});
await gateway.listen();
const services = new ServiceListeners({ podNetwork: config.podNetwork, state, metrics, partitions, log });
state.onChange(() => void services.reconcile());
await services.reconcile();
const admin = createServer((req, res) => {
  if (req.url === '/metrics') {
    void metrics.registry.metrics().then((text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text));
  } else if (req.url === '/partitions' && req.method === 'POST') {
    void partitions.serve(req, res).then((p) => log(p ? `fault: Service ${p.namespace}/${p.service} partitioned for ${p.seconds} s` : `fault: a partition refused (${res.statusCode})`));
  } else if (req.url === '/healthz') {
    res.writeHead(200).end('ok\n');
  } else {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => admin.listen(config.metricsPort, '127.0.0.1', resolve));
log(`ingress gateway on 127.0.0.1:${config.gatewayPort}, metrics on 127.0.0.1:${config.metricsPort}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    void Promise.all([gateway.close(), services.close(), state.stop(), new Promise((r) => admin.close(r))]).finally(() => process.exit(0));
  });
}
