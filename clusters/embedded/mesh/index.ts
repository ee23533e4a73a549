export { Mesh, bundleMesh, type MeshOptions } from './mesh.ts';
export { VirtualServiceRouter, hostMatches, type MeshSnapshot, type RouteDecision, type RoutingFailure } from './virtual-service-router.ts';
export { workloadOf } from './workload-identity.ts';
export { Partitions, partitionService, type PartitionRequest } from './partitions.ts';
