export { Mesh, bundleMesh, type MeshOptions } from './mesh.ts';
export { VirtualServiceRouter, hostMatches, type MeshSnapshot, type RouteDecision, type RoutingFailure } from './virtual-service-router.ts';
export { workloadOf } from './workload-identity.ts';
export { IstioMetrics, ISTIO_LABELS, ISTIO_DURATION_BUCKETS } from './istio-metrics.ts';
