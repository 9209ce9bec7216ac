// @govx/policy: the sharing-policy language and its deterministic evaluator (pure).
export {};
