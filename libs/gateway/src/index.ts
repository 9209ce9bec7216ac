// @govx/gateway: a department's gateway: keys, catalogue, requests, data source,
// encryption, deliveries.
export {};
