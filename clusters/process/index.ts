export { LocalProcess, ProcessError, logTail, type LocalProcessOptions, type HealthCheck } from './local-process.ts';
export { freePort } from './free-port.ts';
export { OWNER_ENV, isAlive, terminate, killNow, findOwnedProcesses, reapOwnedProcesses, environValue, type Environ } from './process-tree.ts';
export { ComponentProcess } from './component-process.ts';
