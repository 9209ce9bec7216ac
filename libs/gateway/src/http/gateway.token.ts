/** Injection token of the running GatewayRuntime. */
export const GATEWAY_RUNTIME = Symbol('GATEWAY_RUNTIME');
