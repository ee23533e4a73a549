import { Agent, request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { isStatus, type KubeStatus } from './kube-status.ts';

/** A Kubernetes object as plain JSON: what the API server stores, with nothing dropped by client models. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    managedFields?: ManagedFieldsEntry[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ManagedFieldsEntry {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly time?: string;
  readonly fieldsType?: string;
  readonly fieldsV1?: Record<string, unknown>;
  readonly subresource?: string;
}

export interface KubeResponse<T> {
  readonly status: number;
  readonly body: T;
}

/** Thrown for an unexpected HTTP status; carries the parsed Status. */
export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: KubeStatus | string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${isStatus(body) ? body.message : String(body).slice(0, 300)}`);
    this.name = 'KubeApiError';
  }
}

/** Who a request is made as: the API server applies RBAC to this user, not to the harness. */
export interface Identity {
  readonly user: string;
  readonly groups?: readonly string[];
}

export interface ApplyOptions {
  readonly fieldManager: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly subresource?: string;
}

interface Discovery {
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * A thin REST client over the kubeconfig's credentials. It returns raw JSON and every status
 * code (a 409 is an observation here, not an exception), applies with server-side apply, and
 * can act as another user through impersonation.
 */
export class KubeClient {
  readonly #server: string;
  readonly #agent: Agent;
  readonly #discovery: Map<string, Promise<Map<string, Discovery>>>;

  private constructor(
    server: string,
    agent: Agent,
    discovery: Map<string, Promise<Map<string, Discovery>>>,
    readonly identity: Identity | undefined,
  ) {
    this.#server = server;
    this.#agent = agent;
    this.#discovery = discovery;
  }

  static async fromKubeConfig(kc: KubeConfig): Promise<KubeClient> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const tls: Record<string, unknown> = {};
    await kc.applyToHTTPSOptions(tls);
    const agent = new Agent({ ...tls, keepAlive: true, maxSockets: 64 });
    return new KubeClient(cluster.server, agent, new Map(), undefined);
  }

  /** The same client acting as `user` (and `groups`), through impersonation headers. */
  as(user: string, groups: readonly string[] = []): KubeClient {
    return new KubeClient(this.#server, this.#agent, this.#discovery, { user, groups });
  }

  close(): void {
    this.#agent.destroy();
  }

  request<T = unknown>(
    method: string,
    path: string,
    options: { query?: Record<string, string | undefined>; body?: unknown; contentType?: string } = {},
  ): Promise<KubeResponse<T>> {
    const url = new URL(path, this.#server);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string | string[]> = { accept: 'application/json' };
    if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    if (this.identity) {
      headers['impersonate-user'] = this.identity.user;
      if (this.identity.groups?.length) headers['impersonate-group'] = [...this.identity.groups];
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, agent: this.#agent, headers, timeout: 30_000 }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: body as T });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out after 30 s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like {@link request}, but throws {@link KubeApiError} unless the status is 2xx. */
  async call<T = unknown>(method: string, path: string, options: Parameters<KubeClient['request']>[2] = {}): Promise<T> {
    const res = await this.request<T>(method, path, options);
    if (res.status < 200 || res.status > 299) throw new KubeApiError(method, path, res.status, res.body as KubeStatus);
    return res.body;
  }

  async #resources(apiVersion: string): Promise<Map<string, Discovery>> {
    let found = this.#discovery.get(apiVersion);
    if (!found) {
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      found = this.call<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>('GET', base).then(
        (list) => new Map(list.resources.filter((r) => !r.name.includes('/')).map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced }])),
      );
      found.catch(() => this.#discovery.delete(apiVersion));
      this.#discovery.set(apiVersion, found);
    }
    return found;
  }

  /** The REST path of an object (or its subresource), found through API discovery. */
  async path(ref: { apiVersion: string; kind: string; namespace?: string | undefined; name?: string | undefined }, subresource?: string): Promise<string> {
    const resource = (await this.#resources(ref.apiVersion)).get(ref.kind);
    if (!resource) throw new Error(`the API server does not serve ${ref.kind} in ${ref.apiVersion}`);
    const base = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const ns = resource.namespaced ? `/namespaces/${ref.namespace ?? 'default'}` : '';
    return `${base}${ns}/${resource.plural}${ref.name ? `/${ref.name}` : ''}${subresource ? `/${subresource}` : ''}`;
  }

  /** Server-side apply; returns the raw response so a 409 can be examined. */
  async apply<T extends KubeObject>(object: KubeObject, options: ApplyOptions): Promise<KubeResponse<T | KubeStatus>> {
    const { managedFields: _dropped, ...metadata } = object.metadata;
    return this.request('PATCH', await this.path({ ...object, namespace: metadata.namespace, name: metadata.name }, options.subresource), {
      query: {
        fieldManager: options.fieldManager,
        force: options.force ? 'true' : undefined,
        dryRun: options.dryRun ? 'All' : undefined,
      },
      body: { ...object, metadata },
      contentType: 'application/apply-patch+yaml',
    });
  }

  async get<T extends KubeObject>(ref: { apiVersion: string; kind: string; namespace?: string; name: string }, subresource?: string): Promise<T> {
    return this.call<T>('GET', await this.path(ref, subresource));
  }

  /** A JSON merge patch: an Update operation, which takes the fields it changes and never conflicts. */
  async mergePatch(ref: { apiVersion: string; kind: string; namespace?: string | undefined; name: string }, patch: unknown, options: { fieldManager?: string; subresource?: string } = {}) {
    return this.request<KubeObject | KubeStatus>('PATCH', await this.path(ref, options.subresource), {
      query: { fieldManager: options.fieldManager },
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  /** PUT of a whole object (an Update), guarded by its resourceVersion. */
  async update(object: KubeObject, options: { fieldManager?: string; subresource?: string } = {}) {
    return this.request<KubeObject | KubeStatus>('PUT', await this.path({ ...object, namespace: object.metadata.namespace, name: object.metadata.name }, options.subresource), {
      query: { fieldManager: options.fieldManager },
      body: object,
    });
  }

  async delete(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): Promise<void> {
    const res = await this.request('DELETE', await this.path(ref));
    if (res.status !== 404 && (res.status < 200 || res.status > 299)) throw new KubeApiError('DELETE', await this.path(ref), res.status, res.body as KubeStatus);
  }
}
