// @govx/access: identities, roles and their guard (Nest), NATS users and permissions, and
// the role × route matrix test helper. The key registry itself is pure: @govx/ledger-core.
export * from './nats/nats-users.js';
export * from './http/index.js';
export * from './testing/role-matrix.js';
export * from './keys/keystore.js';
