/** Exit codes shared by every govx command (auditors script against them). */
export const ExitCode = {
  /** Everything checked holds. */
  Ok: 0,
  /** The thing checked is wrong: a proof that does not verify, a log that does not hold. */
  Failed: 1,
  /** The check could not run: malformed input, unreachable source, bad usage. */
  Unusable: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
