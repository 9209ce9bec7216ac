// The entry signing keys this node accepts. Static, from configuration, until the key
// registry on the ledger (issue #5) replaces it behind the same KeyResolver.
import { importSigningPublicKey, type SigningPublicKey } from '@govx/crypto';
import type { KeyResolver } from '@govx/ledger-core';

export interface KeyringEntry {
  readonly actor: string;
  readonly key: SigningPublicKey;
}

export class StaticKeyring {
  private readonly byId = new Map<string, KeyringEntry>();

  constructor(keys: readonly { readonly actor: string; readonly publicKeyPem: string }[]) {
    for (const k of keys) {
      const key = importSigningPublicKey(k.publicKeyPem);
      this.byId.set(key.keyId, { actor: k.actor, key });
    }
  }

  /** The key and the actor it belongs to, or undefined. */
  lookup(keyId: string): KeyringEntry | undefined {
    return this.byId.get(keyId);
  }

  readonly resolver: KeyResolver = (keyId) => this.byId.get(keyId)?.key;
}
