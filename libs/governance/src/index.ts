// @govx/governance: catalogue registry, requests and deadlines, policy decisions, officers.
export {};
