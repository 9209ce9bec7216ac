// The department process: composes lib modules only (filled in by its issue).
export {};
