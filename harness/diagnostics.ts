import type { KubeClient } from '../clusters/kube/index.ts';
import type { LogSource, LogTarget } from '../clusters/provider.ts';
import { redactDeep } from './redaction.ts';

/** What a failed or errored attempt left behind, read before its namespace is deleted. */
export interface AttemptDiagnostics {
  readonly collectedAt: string;
  readonly events: ReadonlyArray<{ readonly at: string; readonly type: string; readonly reason: string; readonly object: string; readonly message: string; readonly count: number }>;
  /** `name` is the controller (`flagger`) or `pod <pod>/<container>`. */
  readonly logs: ReadonlyArray<{ readonly name: string; readonly source: string; readonly lines: readonly string[] }>;
  readonly objects: ReadonlyArray<{ readonly kind: string; readonly name: string; readonly state: unknown }>;
  /** What could not be collected, and why. */
  readonly problems: readonly string[];
}

export interface DiagnosticsRequest {
  readonly kube: Pick<KubeClient, 'request'>;
  /** Absent when the run was given no log source: the problems then say so. */
  readonly logs: LogSource | undefined;
  readonly namespace: string;
  /** The controllers the scenario needs, whose logs are read. */
  readonly components: readonly string[];
  /** Values the scenario redacted: they are replaced here as everywhere else in the report. */
  readonly secrets: ReadonlySet<string>;
  /** The whole collection's bound; what is still outstanding then is named in the problems. */
  readonly timeoutMs: number;
}

const DIAGNOSTIC_LOG_LINES = 40;

type Entry<K extends keyof AttemptDiagnostics> = AttemptDiagnostics[K] extends ReadonlyArray<infer E> ? E : never;

interface KubeList<T> {
  readonly items: T[];
}

interface Metadata {
  readonly name: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

interface CoreEvent {
  readonly metadata: Metadata & { readonly creationTimestamp?: string };
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly count?: number;
  readonly lastTimestamp?: string;
  readonly eventTime?: string;
  readonly firstTimestamp?: string;
  readonly involvedObject?: { readonly kind?: string; readonly name?: string };
}

interface Workload {
  readonly metadata: Metadata;
  readonly spec?: { readonly replicas?: number; readonly template?: { readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> } } };
  readonly status?: { readonly readyReplicas?: number };
}

interface Pod {
  readonly metadata: Metadata;
  readonly spec?: { readonly initContainers?: ReadonlyArray<{ readonly name: string }>; readonly containers?: ReadonlyArray<{ readonly name: string }> };
  readonly status?: {
    readonly phase?: string;
    readonly podIP?: string;
    readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string }>;
    readonly containerStatuses?: ReadonlyArray<{ readonly restartCount?: number }>;
  };
}

const byName = (a: { metadata: Metadata }, b: { metadata: Metadata }) => a.metadata.name.localeCompare(b.metadata.name);

async function list<T>(kube: DiagnosticsRequest['kube'], path: string, { crd = false } = {}): Promise<T[]> {
  const res = await kube.request<KubeList<T>>('GET', path);
  // A CRD that is not installed here: nothing of its kind to show.
  if (res.status === 404 && crd) return [];
  if (res.status !== 200) throw new Error(`GET ${path} answered HTTP ${res.status}`);
  return res.body.items;
}

/** One kind of object whose final state is kept, and the part of it that is: never a Secret, never a container's env. */
interface FinalState {
  readonly kind: string;
  read(kube: DiagnosticsRequest['kube'], namespace: string): Promise<Array<Entry<'objects'>>>;
}

function finalState<T extends { readonly metadata: Metadata }>(kind: string, path: (namespace: string) => string, state: (object: T) => unknown, options: { crd?: boolean } = {}): FinalState {
  return {
    kind,
    read: async (kube, namespace) => (await list<T>(kube, path(namespace), options)).sort(byName).map((o) => ({ kind, name: o.metadata.name, state: state(o) })),
  };
}

const workloadState = (o: Workload) => ({
  revision: o.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? null,
  replicas: o.spec?.replicas ?? 0,
  readyReplicas: o.status?.readyReplicas ?? 0,
  templateAnnotations: o.spec?.template?.metadata?.annotations ?? {},
});

const podState = (o: Pod) => ({
  phase: o.status?.phase ?? 'Unknown',
  ready: o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
  restartCount: (o.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0),
  podIP: o.status?.podIP ?? null,
});

type WithSpec<S> = { readonly metadata: Metadata; readonly spec?: S };

/** In the order they are shown; Pods come last, for they are read with the logs they lead to. */
const FINAL_STATES: readonly FinalState[] = [
  finalState<{ readonly metadata: Metadata; readonly status?: unknown }>('Canary', (ns) => `/apis/flagger.app/v1beta1/namespaces/${ns}/canaries`, (o) => o.status ?? {}, { crd: true }),
  finalState<WithSpec<{ readonly http?: unknown }>>('VirtualService', (ns) => `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices`, (o) => ({ http: o.spec?.http ?? [] }), { crd: true }),
  finalState<WithSpec<unknown>>('DestinationRule', (ns) => `/apis/networking.istio.io/v1/namespaces/${ns}/destinationrules`, (o) => o.spec ?? {}, { crd: true }),
  finalState<Workload>('Deployment', (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`, workloadState),
  finalState<Workload>('ReplicaSet', (ns) => `/apis/apps/v1/namespaces/${ns}/replicasets`, workloadState),
];

const describeError = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** An event's time as an ISO string: when it last happened, else when it was first seen. */
function eventTime(e: CoreEvent): string {
  const raw = e.lastTimestamp || e.eventTime || e.firstTimestamp || e.metadata.creationTimestamp || '';
  const parsed = Date.parse(raw);
  return Number.isNaN(parsed) ? raw : new Date(parsed).toISOString();
}

/**
 * Reads the namespace's events, the final state of its delivery objects, and the last log lines
 * of the scenario's controllers and of every container in it. Never throws: what it could not
 * read, or did not read within the bound, is named in `problems`, and the rest is kept.
 */
export async function collectDiagnostics(r: DiagnosticsRequest): Promise<AttemptDiagnostics> {
  const collectedAt = new Date().toISOString();
  const problems: string[] = [];
  let events: Array<Entry<'events'>> = [];
  // Slots in the order they are shown, filled as the parts finish in any order.
  const logs: Array<Entry<'logs'> | undefined> = [];
  const objects: Array<Array<Entry<'objects'>> | undefined> = [];
  const running = new Map<string, Promise<void>>();
  const part = (name: string, work: () => Promise<void>) => {
    running.set(
      name,
      Promise.resolve()
        .then(work)
        .then(
          () => void running.delete(name),
          (err) => {
            running.delete(name);
            problems.push(`${name}: ${describeError(err)}`);
          },
        ),
    );
  };
  const tail = (name: string, target: LogTarget) => {
    const slot = logs.push(undefined) - 1;
    part(`log of ${name}`, async () => {
      if (!r.logs) throw new Error('the run was given no log source');
      const { lines, source } = await r.logs.tail(target, DIAGNOSTIC_LOG_LINES);
      logs[slot] = { name, source, lines };
    });
  };

  part('events', async () => {
    events = (await list<CoreEvent>(r.kube, `/api/v1/namespaces/${r.namespace}/events`))
      .map((e) => ({
        at: eventTime(e),
        type: e.type ?? '',
        reason: e.reason ?? '',
        object: `${e.involvedObject?.kind ?? '?'}/${e.involvedObject?.name ?? '?'}`,
        message: e.message ?? '',
        count: e.count || 1,
      }))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  });
  for (const component of r.components) tail(component, { component });
  for (const [i, s] of FINAL_STATES.entries()) {
    part(s.kind, async () => {
      objects[i] = await s.read(r.kube, r.namespace);
    });
  }
  part('Pod', async () => {
    const pods = (await list<Pod>(r.kube, `/api/v1/namespaces/${r.namespace}/pods`)).sort(byName);
    objects[FINAL_STATES.length] = pods.map((p) => ({ kind: 'Pod', name: p.metadata.name, state: podState(p) }));
    for (const p of pods) {
      for (const c of [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])]) tail(`pod ${p.metadata.name}/${c.name}`, { namespace: r.namespace, pod: p.metadata.name, container: c.name });
    }
  });

  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), r.timeoutMs)));
  // A part may start others (a pod's logs), so wait until none is left rather than for the first set.
  let timedOut = false;
  while (running.size && !timedOut) timedOut = (await Promise.race([Promise.all(running.values()), bound])) === 'timeout';
  clearTimeout(timer);
  if (running.size) problems.push(`not collected within ${r.timeoutMs / 1000} s: ${[...running.keys()].join(', ')}`);

  return redactDeep(
    {
      collectedAt,
      events: [...events],
      logs: logs.filter((l): l is Entry<'logs'> => l !== undefined),
      objects: objects.flatMap((o) => o ?? []),
      problems: [...problems],
    },
    r.secrets,
  );
}
