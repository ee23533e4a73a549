/** The parts of Istio's networking.istio.io/v1 resources the embedded mesh honours. */

export interface StringMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

export interface HTTPMatchRequest {
  readonly uri?: StringMatch;
  readonly headers?: Readonly<Record<string, StringMatch>>;
  readonly method?: StringMatch;
}

export interface Destination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: { readonly number?: number };
}

export interface HTTPRouteDestination {
  readonly destination: Destination;
  readonly weight?: number;
}

export interface HTTPFaultInjection {
  readonly delay?: { readonly fixedDelay?: string; readonly percentage?: { readonly value?: number } };
  readonly abort?: { readonly httpStatus?: number; readonly percentage?: { readonly value?: number } };
}

export interface HTTPRoute {
  readonly name?: string;
  readonly match?: readonly HTTPMatchRequest[];
  readonly route?: readonly HTTPRouteDestination[];
  readonly timeout?: string;
  readonly retries?: { readonly attempts?: number; readonly perTryTimeout?: string; readonly retryOn?: string };
  readonly fault?: HTTPFaultInjection;
}

export interface IstioObject<Spec> {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: Spec;
}

export type Gateway = IstioObject<{
  readonly selector?: Readonly<Record<string, string>>;
  readonly servers?: ReadonlyArray<{ readonly hosts?: readonly string[]; readonly port?: { readonly number?: number; readonly protocol?: string } }>;
}>;

export type VirtualService = IstioObject<{
  readonly hosts?: readonly string[];
  readonly gateways?: readonly string[];
  readonly http?: readonly HTTPRoute[];
}>;

export type DestinationRule = IstioObject<{
  readonly host: string;
  readonly subsets?: ReadonlyArray<{ readonly name: string; readonly labels?: Readonly<Record<string, string>> }>;
}>;

/** Istio durations: `1.5s`, `300ms`, `2m`, `1h`. */
export function parseDuration(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new Error(`invalid duration "${value}"`);
  const n = Number(m[1]);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}
