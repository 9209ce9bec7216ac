// @govx/contracts: entry types, their body schemas, and NATS subject names: one source
// for validation, OpenAPI and docs (pure TypeScript, no framework).
export * from './entry-types.js';
export * from './governance.js';
export * from './access.js';
export * from './exchange.js';
export * from './masking-profile.js';
