import type { V1Service } from '@kubernetes/client-node';
import { serviceLoopbackAddress } from '../service-address.ts';
import type { IstioMetrics } from './istio-metrics.ts';
import { MeshProxy } from './mesh-proxy.ts';
import type { MeshState } from './mesh-state.ts';
import type { Partitions } from './partitions.ts';
import { VirtualServiceRouter } from './virtual-service-router.ts';
import { UNKNOWN_WORKLOAD, workloadOf, type WorkloadIdentity } from './workload-identity.ts';

/**
 * Service-to-service traffic: every Service port gets a proxy on the Service's own loopback
 * address, as a client sidecar intercepts traffic to a ClusterIP. Kept in step with the Services.
 */
export class ServiceListeners {
  readonly #proxies = new Map<string, MeshProxy>();
  #reconciling: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: { readonly podNetwork: string; readonly state: MeshState; readonly metrics: IstioMetrics; readonly partitions: Partitions; readonly log: (message: string) => void },
  ) {}

  /** Serialised, so overlapping watch events never open one address twice. */
  reconcile(): Promise<void> {
    return (this.#reconciling = this.#reconciling.then(() => this.#reconcile()));
  }

  /** The calling pod, when the client bound its pod address; otherwise unknown, as Istio reports it. */
  #source(remoteAddress: string | undefined): WorkloadIdentity {
    const ip = remoteAddress?.replace(/^::ffff:/, '');
    const pod = this.o.state.snapshot().pods.find((p) => p.status?.podIP === ip);
    return pod ? workloadOf(pod) : UNKNOWN_WORKLOAD;
  }

  async #reconcile(): Promise<void> {
    const wanted = new Map<string, { service: V1Service; address: string; port: number }>();
    for (const service of this.o.state.snapshot().services) {
      const address = serviceLoopbackAddress(this.o.podNetwork, service.spec?.clusterIP);
      if (!address) continue;
      for (const p of service.spec?.ports ?? []) if ((p.protocol ?? 'TCP') === 'TCP') wanted.set(`${address}:${p.port}`, { service, address, port: p.port });
    }
    for (const [key, proxy] of this.#proxies) {
      if (wanted.has(key)) continue;
      this.#proxies.delete(key);
      await proxy.close();
    }
    for (const [key, { service, address, port }] of wanted) {
      if (this.#proxies.has(key)) continue;
      const { name, namespace } = service.metadata as { name: string; namespace: string };
      const proxy = new MeshProxy({
        address,
        port,
        source: (remote) => this.#source(remote),
        route: (req) => {
          const current = this.o.state.snapshot().services.find((s) => s.metadata?.name === name && s.metadata?.namespace === namespace);
          return current
            ? new VirtualServiceRouter(this.o.state.snapshot()).routeToService(current, port, req)
            : { kind: 'failure', status: 503, flag: 'NC', reason: `Service ${namespace}/${name} is gone` };
        },
        metrics: this.o.metrics,
        partitions: this.o.partitions,
        log: this.o.log,
      });
      try {
        await proxy.listen();
        this.#proxies.set(key, proxy);
        this.o.log(`Service ${namespace}/${name} on ${key}`);
      } catch (err) {
        this.o.log(`Service ${namespace}/${name}: cannot listen on ${key}: ${(err as Error).message}`);
      }
    }
  }

  async close(): Promise<void> {
    await this.#reconciling;
    await Promise.all([...this.#proxies.values()].map((p) => p.close()));
    this.#proxies.clear();
  }
}
