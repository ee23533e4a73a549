import type { Progress } from './progress.ts';

/** Every namespace the engine creates carries this label (the scenario's name); providers reset by it. */
export const SCENARIO_LABEL = 'delivery-testbed/scenario';

/** Istio's Prometheus addon as pods (an in-cluster Flagger) reach it. */
export const IN_CLUSTER_PROMETHEUS = 'http://prometheus.istio-system:9090';

/** Where scenarios run: all a provider hands the engine, the same whichever provider it is. */
export interface ClusterConnection {
  readonly provider: string;
  /** An admin kubeconfig whose current context is the cluster. */
  readonly kubeconfig: string;
  /** Every component's version, shown in reports. */
  readonly versions: Readonly<Record<string, string>>;
  /** The ingress gateway, on loopback (a port-forward for a remote cluster); requests carry the Gateway's Host. */
  readonly gatewayUrl: string;
  readonly prometheusUrl: string;
  /** Prometheus as the cluster's Flagger reaches it: a MetricTemplate's provider address. */
  readonly metricsServer: string;
  /** Where Prometheus finds the harness's own metrics (file_sd); absent when it cannot reach them. */
  readonly scrapeTargetsDir?: string;
  /** Environment for processes the run starts (vegeta), by which the provider can reap them. */
  readonly processEnv: Readonly<Record<string, string>>;
  /** Labels every scenario namespace gets, e.g. Istio's sidecar injection on a cluster with real Envoy. */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
}

/** Controllers a scenario runs with flags of its choosing, and stops and starts to test how they recover. */
export type ControllerName = 'flagger' | 'reloader' | 'wave';

export interface ControllerRun {
  readonly version: string;
  /** Something the user should know about how it runs, e.g. a listener beyond loopback. */
  readonly notice?: string;
}

export interface Controllers {
  /**
   * Runs the controller with these of its own flags (restarting it when it runs with others, a
   * no-op when it runs with these), and resolves once it is healthy, and where the provider can
   * tell, has worked through what it had received, with its version. Throws a
   * {@link ProviderError} (or the component's unavailability) naming why it cannot run here.
   */
  run(name: ControllerName, flags: readonly string[]): Promise<ControllerRun>;
  /** Stops it; resolves once it no longer runs. A no-op when it does not run. */
  stop(name: ControllerName): Promise<void>;
}

/** Whose log: a controller the provider runs for scenarios (`flagger`, `reloader`), or one container of a pod. */
export type LogTarget = { readonly component: string } | { readonly namespace: string; readonly pod: string; readonly container?: string };

export interface LogTail {
  readonly lines: string[];
  /** Where the lines came from, for a reader to look further: a file, or the `kubectl logs` command. */
  readonly source: string;
}

/** Logs wherever the provider keeps them, so the engine reads them without knowing which provider it is. */
export interface LogSource {
  /** The last `lines` lines of the target's log; throws naming what it tried when there is none. */
  tail(target: LogTarget, lines: number): Promise<LogTail>;
}

/** The capability of a provider whose sessions inject {@link Faults}. */
export const FAULTS_CAPABILITY = 'faults';

/** The cluster's own components a fault may stop and start again. */
export type StoppableComponent = 'kube-apiserver' | 'prometheus';

/** Faults a scenario injects into the environment, to prove its verdict survives them. */
export interface Faults {
  /**
   * SIGKILLs the processes of every container of the pod, as a crashed container dies; the node
   * restarts them as its restartPolicy says. Resolves with how many were killed.
   */
  killPod(namespace: string, pod: string): Promise<number>;
  /** Stops the component; resolves with a function that starts it again on the same port and data, once ready. */
  stop(component: StoppableComponent): Promise<() => Promise<void>>;
  /** The mesh stops forwarding to the Service for `seconds` (503, no healthy upstream), then heals by itself. */
  partition(namespace: string, service: string, seconds: number): Promise<void>;
}

export interface ProviderSession {
  readonly connection: ClusterConnection;
  readonly controllers: Controllers;
  /** Absent where the provider cannot inject faults (a cluster it does not run); scenarios' faults then end as usage errors. */
  readonly faults?: Faults;
  readonly logs: LogSource;
  /** Ends the run: stops a cluster the provider started (unless kept); never touches one it found. */
  close(options: { readonly keep: boolean }): Promise<void>;
}

/** The only thing scenarios depend on; embedded, kind and kubeconfig implement it. */
export interface Provider {
  readonly name: string;
  /** The add-ons and tools this provider can supply; a scenario needing anything else errors before it starts. */
  readonly capabilities: readonly string[];
  /** Readies the cluster, with the add-ons in `needs` running, or throws naming what is missing. */
  open(needs: ReadonlySet<string>, progress: Progress): Promise<ProviderSession>;
}

/** A prerequisite the provider could not meet: the CLI prints it and exits 2. */
export class ProviderError extends Error {
  override name = 'ProviderError';
}
