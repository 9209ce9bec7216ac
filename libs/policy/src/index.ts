// @govx/policy: the sharing-policy language and its deterministic evaluator (pure), and the
// working-day calendar and §21 deadlines.
export * from './errors.js';
export * from './policy-document.js';
export { MAX_POLICY_SIZE, checkPolicyDocument, parsePolicySource } from './parse.js';
export type { Locate, ParsedPolicy } from './parse.js';
export { compilePolicy, stricterMasking } from './compile.js';
export type { CatalogueLookup, CompiledPolicy } from './compile.js';
export { evaluate, traceHash } from './evaluate.js';
export type { EvaluationContext, PolicyEvaluation, PolicyRequest, TraceStep } from './evaluate.js';
export * from './calendar.js';
