// @govx/access: identities, roles and their guard, the key registry as of any seq (from
// @govx/ledger-core), NATS users and permissions.
export * from './nats/nats-users.js';
