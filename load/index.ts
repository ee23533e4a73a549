export { MAX_RPS, MAX_SECONDS, LoadInputError, parseDuration, stagesOf, type LoadProfile, type LoadStage } from './load-profile.ts';
export { checkLoopback, type LoadTarget } from './load-target.ts';
export { runLoad, isFailure, type LoadOptions, type LoadProgress, type LoadSummary, type LoadThresholds, type ThresholdResult } from './load-run.ts';
export { LoadMetrics } from './load-metrics.ts';
export type { LoadResult } from './vegeta-attack.ts';
export { getWithHost } from './http-get.ts';
export { percentile } from './percentile.ts';
