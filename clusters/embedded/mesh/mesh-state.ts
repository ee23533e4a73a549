import { CoreV1Api, KubeConfig, ListWatch, Watch, type KubernetesObject, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { KubeClient } from '../../kube/index.ts';
import type { DestinationRule, Gateway, VirtualService } from './istio-resources.ts';
import type { MeshSnapshot } from './virtual-service-router.ts';

/**
 * The mesh's view of the cluster, kept current by watches (as istiod's is): Gateways,
 * VirtualServices, DestinationRules, Services, and Pods for endpoints. A change is visible to
 * the next request as soon as its watch event arrives.
 */
export class MeshState {
  readonly #informers: Array<ListWatch<KubernetesObject>> = [];
  #kube: KubeClient | undefined;
  /** Rebuilt on the first request after a watch event, not on every request. */
  #snapshot: MeshSnapshot | undefined;
  readonly #listeners: Array<() => void> = [];

  constructor(
    private readonly kc: KubeConfig,
    private readonly log: (message: string) => void,
  ) {}

  async start(): Promise<void> {
    const kube = (this.#kube = await KubeClient.fromKubeConfig(this.kc));
    const core = this.kc.makeApiClient(CoreV1Api);
    const istio = (plural: string) => ({
      path: `/apis/networking.istio.io/v1/${plural}`,
      list: () => kube.call<{ items: KubernetesObject[]; metadata: { resourceVersion: string } }>('GET', `/apis/networking.istio.io/v1/${plural}`),
    });
    const sources = [
      istio('gateways'),
      istio('virtualservices'),
      istio('destinationrules'),
      { path: '/api/v1/services', list: () => core.listServiceForAllNamespaces() },
      { path: '/api/v1/pods', list: () => core.listPodForAllNamespaces() },
    ];
    for (const { path, list } of sources) {
      const informer = new ListWatch<KubernetesObject>(path, new Watch(this.kc), list as never, false);
      for (const event of ['add', 'update', 'delete'] as const) {
        informer.on(event, () => {
          this.#snapshot = undefined;
          for (const listener of this.#listeners) listener();
        });
      }
      informer.on('error', (err) => {
        this.log(`watch ${path}: ${(err as Error)?.message ?? err}; restarting in 1 s`);
        setTimeout(() => void informer.start(), 1000);
      });
      this.#informers.push(informer);
    }
    await Promise.all(this.#informers.map((i) => i.start()));
  }

  /** Called after every watch event. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  snapshot(): MeshSnapshot {
    if (this.#snapshot) return this.#snapshot;
    const [gateways, virtualServices, destinationRules, services, pods] = this.#informers.map((i) => i.list());
    return (this.#snapshot = {
      gateways: gateways as unknown as Gateway[],
      virtualServices: virtualServices as unknown as VirtualService[],
      destinationRules: destinationRules as unknown as DestinationRule[],
      services: services as V1Service[],
      pods: pods as V1Pod[],
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.#informers.map((i) => i.stop()));
    this.#kube?.close();
  }
}
