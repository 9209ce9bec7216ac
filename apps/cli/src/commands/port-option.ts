import { InvalidArgumentError } from 'commander';

/** commander parser of a `--base-port`: an integer between 1024 and 60000. */
export function portOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1024 || n > 60_000)
    throw new InvalidArgumentError('a port number between 1024 and 60000');
  return n;
}
