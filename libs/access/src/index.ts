// @govx/access: identities, roles and their guard, the key registry as of any seq,
// NATS users and permissions.
export {};
