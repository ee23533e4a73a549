import { RELOADER_NAMESPACE, versions as pinned } from '../components/index.ts';
import { imageTag, RELOADER_DEPLOYMENT } from '../reloader-control.ts';

/** What the kubeconfig provider can ask of an existing cluster and its Prometheus. */
export interface ClusterProbe {
  /** The API server's version; throws when it cannot be reached or refuses the credentials. */
  serverVersion(): Promise<string>;
  hasCrd(name: string): Promise<boolean>;
  /** The images of a Deployment's containers; undefined when there is no such Deployment. */
  deploymentImages(namespace: string, name: string): Promise<readonly string[] | undefined>;
  /** An instant query's series; throws when Prometheus cannot be reached, and a {@link NotPrometheusError} when what answers is not Prometheus. */
  prometheus(query: string): Promise<Array<Readonly<Record<string, string>>>>;
  /** Whether something answers HTTP at the URL (any status). */
  answers(url: string): Promise<boolean>;
}

/** Something answers at the Prometheus URL, but not as Prometheus's HTTP API does. */
export class NotPrometheusError extends Error {
  override name = 'NotPrometheusError';
}

export interface Prerequisite {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** Absent altogether, so `--install-addons` may install it without touching anything of anyone's. */
  readonly installable?: Addon;
}

/** The add-ons `--install-addons` can install. */
export type Addon = 'flagger' | 'reloader';

export const ISTIO_CRDS = ['gateways.networking.istio.io', 'virtualservices.networking.istio.io', 'destinationrules.networking.istio.io'];
const FLAGGER_CRDS = ['canaries.flagger.app', 'metrictemplates.flagger.app', 'alertproviders.flagger.app'];

const onLoopback = (url: string) => {
  try {
    return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(new URL(url).hostname);
  } catch {
    return false;
  }
};

const failed = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Checks an existing cluster before any scenario touches it: the API server, Istio, Prometheus
 * and the ingress gateway (both reached on loopback, e.g. through `kubectl port-forward`), and
 * each add-on the scenarios need. Returns every result, and the versions it read.
 */
export async function checkPrerequisites(
  probe: ClusterProbe,
  urls: { readonly prometheusUrl: string; readonly gatewayUrl: string },
  needs: ReadonlySet<string>,
): Promise<{ results: Prerequisite[]; versions: Record<string, string> }> {
  const results: Prerequisite[] = [];
  const versions: Record<string, string> = {};
  const add = (name: string, ok: boolean, detail: string, installable?: Addon) => results.push({ name, ok, detail, ...(installable ? { installable } : {}) });

  const server = await probe.serverVersion().then((v) => ({ v }), (err) => ({ err: failed(err) }));
  if ('err' in server) {
    add('API server', false, `not reachable with this kubeconfig and context: ${server.err}`);
    return { results, versions };
  }
  versions.kubernetes = server.v;
  add('API server', true, server.v);

  const missingIstio = [];
  for (const crd of ISTIO_CRDS) if (!(await probe.hasCrd(crd))) missingIstio.push(crd);
  add('Istio', !missingIstio.length, missingIstio.length ? `missing CRDs ${missingIstio.join(', ')}: install Istio (istioctl install) first` : "Gateway, VirtualService and DestinationRule CRDs present");

  if (!onLoopback(urls.prometheusUrl)) {
    add('Prometheus', false, `${urls.prometheusUrl} is not on 127.0.0.0/8; port-forward it, e.g. \`kubectl -n istio-system port-forward svc/prometheus 9090\``);
  } else {
    const up = await probe.prometheus('vector(1)').then(() => undefined, (err: unknown) => err);
    add(
      'Prometheus',
      up === undefined,
      up === undefined
        ? `${urls.prometheusUrl} answers queries`
        : up instanceof NotPrometheusError
          ? `${urls.prometheusUrl} is not Prometheus: ${up.message}`
          : `${urls.prometheusUrl} does not answer: ${failed(up)}`,
    );
  }

  if (!onLoopback(urls.gatewayUrl)) {
    add('ingress gateway', false, `${urls.gatewayUrl} is not on 127.0.0.0/8; port-forward it, e.g. \`kubectl -n istio-system port-forward svc/istio-ingressgateway 8080:80\``);
  } else {
    const answers = await probe.answers(urls.gatewayUrl).catch(() => false);
    add('ingress gateway', answers, answers ? `${urls.gatewayUrl} answers` : `nothing answers at ${urls.gatewayUrl}`);
  }

  if (needs.has('flagger')) {
    const missing = [];
    for (const crd of FLAGGER_CRDS) if (!(await probe.hasCrd(crd))) missing.push(crd);
    const info = missing.length ? [] : await probe.prometheus('flagger_info').catch(() => []);
    const version = info[0]?.version;
    if (version) versions.flagger = version.startsWith('v') ? version : `v${version}`;
    add(
      'Flagger',
      !missing.length && Boolean(version),
      missing.length
        ? `missing CRDs ${missing.join(', ')}: install Flagger from its manifests (kustomize/istio) with -mesh-provider=istio${missing.length === FLAGGER_CRDS.length ? ', or pass --install-addons' : ''}`
        : version
          ? `${versions.flagger}, reporting to Prometheus`
          : 'its CRDs are installed but Prometheus has no flagger_info: Flagger is not running, or Prometheus does not scrape it',
      missing.length === FLAGGER_CRDS.length ? 'flagger' : undefined,
    );
  }

  if (needs.has('reloader')) {
    // Only there: the controllers restart and stop Reloader by that Deployment.
    const where = `${RELOADER_NAMESPACE}/${RELOADER_DEPLOYMENT}`;
    const found = await probe.deploymentImages(RELOADER_NAMESPACE, RELOADER_DEPLOYMENT).then((images) => ({ images }), (err) => ({ err: failed(err) }));
    if ('err' in found) {
      add('Reloader', false, `cannot read Deployment ${where}: ${found.err}`);
    } else {
      const image = found.images?.find((i) => i.includes('reloader'));
      const tag = image && imageTag(image);
      if (tag) versions.reloader = tag;
      add(
        'Reloader',
        Boolean(image),
        !found.images
          ? `no Deployment ${where}: install Reloader ${pinned.reloader} from its manifests (deployments/kubernetes/manifests) into namespace ${RELOADER_NAMESPACE}, or pass --install-addons`
          : image
            ? `${where} runs ${image}`
            : `${where} runs ${found.images.join(', ') || 'no containers'}, none of them Reloader's image (ghcr.io/stakater/reloader)`,
        found.images ? undefined : 'reloader',
      );
    }
  }

  return { results, versions };
}
