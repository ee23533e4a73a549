import { join } from 'node:path';
import type { CommandPlan, PlanStep } from '../command-plan.ts';
import { RELOADER_NAMESPACE } from '../components/index.ts';
import { manifestYaml, type KubeObject } from '../kube/index.ts';
import { RELOADER_DEPLOYMENT } from '../reloader-control.ts';

export interface KindPlanOptions {
  readonly name: string;
  /** Kubernetes version of kind's node image (the embedded cluster's pin). */
  readonly kubernetesVersion: string;
  readonly istioVersion: string;
  /** Host ports, bound on 127.0.0.1 only, for the ingress gateway and Prometheus. */
  readonly gatewayPort: number;
  readonly prometheusPort: number;
  /** Where the generated files go. */
  readonly workDir: string;
  /** The repository, for the demo app's Docker build. */
  readonly repoRoot: string;
  /** Flagger's CRDs, RBAC and Deployment as upstream's Istio overlay makes them. */
  readonly flagger: readonly KubeObject[];
  /** Reloader's Namespace, RBAC and Deployment, from the pinned module's manifests. */
  readonly reloader: readonly KubeObject[];
}


/** NodePorts the kind config maps to 127.0.0.1 on the host. */
const GATEWAY_NODE_PORT = 30080;
const PROMETHEUS_NODE_PORT = 30090;
export const DEMO_IMAGE = 'delivery-testbed/demo-app:1';

/**
 * Everything `--provider kind` does, as data: the generated files and the ordered commands, each
 * with its undo. Real kind, Istio (istioctl, with the ingress gateway on a NodePort), Istio's
 * Prometheus addon at the same version, Flagger from its Istio overlay, Reloader from its
 * manifests, the demo image.
 */
export function kindPlan(o: KindPlanOptions): CommandPlan {
  const file = (name: string) => join(o.workDir, name);
  const kubectl = (...args: string[]) => ['kubectl', '--context', `kind-${o.name}`, ...args];
  const rollout = (namespace: string, deployment: string): PlanStep => ({
    name: `wait for ${namespace}/${deployment}`,
    argv: kubectl('-n', namespace, 'rollout', 'status', `deployment/${deployment}`, '--timeout=300s'),
  });
  const istioRelease = o.istioVersion.slice(1);
  const files = {
    'kind-config.yaml': manifestYaml([{
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: o.name,
      nodes: [{
        role: 'control-plane',
        image: `kindest/node:${o.kubernetesVersion}`,
        extraPortMappings: [
          { containerPort: GATEWAY_NODE_PORT, hostPort: o.gatewayPort, listenAddress: '127.0.0.1', protocol: 'TCP' },
          { containerPort: PROMETHEUS_NODE_PORT, hostPort: o.prometheusPort, listenAddress: '127.0.0.1', protocol: 'TCP' },
        ],
      }],
    }]),
    'istio-operator.yaml': manifestYaml([{
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      spec: {
        profile: 'default',
        components: {
          ingressGateways: [{
            name: 'istio-ingressgateway',
            enabled: true,
            k8s: { service: { type: 'NodePort', ports: [{ name: 'status-port', port: 15021, targetPort: 15021 }, { name: 'http2', port: 80, targetPort: 8080, nodePort: GATEWAY_NODE_PORT }] } },
          }],
        },
      },
    }]),
    'flagger.yaml': manifestYaml(o.flagger),
    'reloader.yaml': manifestYaml(o.reloader),
  };
  return {
    title: 'kind set-up',
    files,
    steps: [
      {
        name: 'create the kind cluster',
        argv: ['kind', 'create', 'cluster', '--name', o.name, '--config', file('kind-config.yaml'), '--wait', '180s'],
        undo: ['kind', 'delete', 'cluster', '--name', o.name],
      },
      { name: `install Istio ${o.istioVersion}`, argv: ['istioctl', 'install', '--context', `kind-${o.name}`, '-y', '-f', file('istio-operator.yaml')] },
      rollout('istio-system', 'istiod'),
      rollout('istio-system', 'istio-ingressgateway'),
      { name: `install Prometheus from Istio ${o.istioVersion}'s addons`, argv: kubectl('apply', '-f', `https://raw.githubusercontent.com/istio/istio/${istioRelease}/samples/addons/prometheus.yaml`) },
      {
        name: 'expose Prometheus on its NodePort',
        argv: kubectl('-n', 'istio-system', 'patch', 'service', 'prometheus', '--type=merge', '-p', JSON.stringify({ spec: { type: 'NodePort', ports: [{ name: 'http', port: 9090, targetPort: 9090, nodePort: PROMETHEUS_NODE_PORT }] } })),
      },
      rollout('istio-system', 'prometheus'),
      { name: 'install Flagger', argv: kubectl('apply', '--server-side', '-f', file('flagger.yaml')) },
      rollout('istio-system', 'flagger'),
      { name: 'install Reloader', argv: kubectl('apply', '--server-side', '-f', file('reloader.yaml')) },
      rollout(RELOADER_NAMESPACE, RELOADER_DEPLOYMENT),
      { name: 'build the demo app image', argv: ['docker', 'build', '-t', DEMO_IMAGE, '-f', join(o.repoRoot, 'demo-app', 'Dockerfile'), o.repoRoot] },
      { name: 'load the demo app image into kind', argv: ['kind', 'load', 'docker-image', DEMO_IMAGE, '--name', o.name] },
    ],
  };
}
