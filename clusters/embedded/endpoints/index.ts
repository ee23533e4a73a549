export { serviceEndpoints, type ServiceEndpoint } from './service-endpoints.ts';
