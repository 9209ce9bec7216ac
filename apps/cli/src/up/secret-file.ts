// Every file `govx init` writes that holds a secret (keys, passwords, configs with credentials)
// is the owner's alone: mode 0600, also when it existed before with a wider mode (writeFileSync's
// `mode` applies only to a file it creates).
import { chmodSync, writeFileSync } from 'node:fs';

export function writeSecretFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}
