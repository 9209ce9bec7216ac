export * from './roles.js';
export * from './key-rule.error.js';
export * from './key-entries.js';
export * from './key-registry.js';
