// @govx/gateway: a department's gateway: keys, catalogue, requests, data source,
// encryption, deliveries.
export * from './data-source/data-source.js';
export { PgTableSource } from './data-source/pg-table.source.js';
export * from './catalogue/catalogue-entry.js';
export { SeededRandom } from './demo/prng.js';
export * from './demo/demo-world.js';
export * from './demo/demo-departments.js';
export * from './demo/demo-loader.js';
export * from './exchange/masking.js';
export * from './exchange/payload-envelope.js';
export * from './exchange/subject.js';
export * from './exchange/verification.js';
export * from './payload-store/payload-store.js';
export * from './gateway/exchange-index.js';
export * from './gateway/gateway.error.js';
export * from './gateway/gateway-keys.js';
export * from './gateway/gateway.js';
export * from './gateway/ledger-http.js';
export * from './config/gateway.config.js';
export * from './gateway/gateway-runtime.js';
export { GatewayHttpModule } from './http/gateway-http.module.js';
export * from './http/gateway-access.js';
export { GatewayRoles } from './http/gateway-roles.js';
