// What both sides of a gateway share: its dependencies, the index of the log, its actor, its
// catalogue, and the three ways it writes to the ledger (submit, reject) or finds keys.
import { createHash } from 'node:crypto';
import { SubmissionBatcher, type LedgerClient, type LedgerReceipt } from '@govx/bus';
import {
  ExchangeEntryTypes,
  validateEntryBody,
  type RejectionBody,
  type RejectionCode,
} from '@govx/contracts';
import {
  importEncryptionPublicKey,
  toHex,
  utf8,
  type CryptoSuite,
  type EncryptionPublicKey,
  type SigningPrivateKey,
} from '@govx/crypto';
import { createSubmission, type JsonObject } from '@govx/ledger-core';
import type { CatalogueEntry } from '../catalogue/catalogue-entry.js';
import type { DataSource } from '../data-source/data-source.js';
import type { PayloadStore } from '../payload-store/payload-store.js';
import { ExchangeIndex, type ExchangeRecord } from './exchange-index.js';
import { GatewayError } from './gateway.error.js';
import type { GatewayKeys } from './gateway-keys.js';

export interface GatewayDeps {
  readonly department: string;
  readonly suite: CryptoSuite;
  readonly keys: GatewayKeys;
  readonly ledger: LedgerClient;
  readonly store: PayloadStore;
  readonly dataSource: DataSource;
  /** This department's catalogue (the gateway-side form). */
  readonly catalogue: readonly CatalogueEntry[];
  /** How long a payload stays in the store; default 30 days. */
  readonly retentionMs?: number;
  /** Size of the log when the gateway starts (ledger HTTP /health `durable`): entries before it are replayed without acting. */
  readonly tipAtStart: () => Promise<number>;
  /** Encryption keys of other departments not (yet) registered on the ledger. */
  readonly peerKeys?: Readonly<Record<string, string>>;
  readonly clock?: () => Date;
  /** The key of `dept/<department>/office`, if this gateway endorses its requests (§20). */
  readonly officeKey?: SigningPrivateKey;
  /** Endorse every request right after submitting it (needs officeKey). */
  readonly autoEndorse?: boolean;
  /** Transfers and receipts under way at once; default 32. */
  readonly maxInFlight?: number;
  readonly log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class GatewayContext {
  readonly index = new ExchangeIndex();
  readonly actor: string;
  /** This department's catalogue entries, by dataset id. */
  readonly local: Map<string, CatalogueEntry>;
  readonly clock: () => Date;
  /** Encryption public keys imported once, by their PEM. */
  private readonly importedKeys = new Map<string, EncryptionPublicKey>();
  /** Submissions due at about the same time go to the ledger as one batch request. */
  private readonly submitter: SubmissionBatcher;

  constructor(readonly deps: GatewayDeps) {
    this.submitter = new SubmissionBatcher(deps.ledger);
    this.actor = `dept/${deps.department}/gateway`;
    this.local = new Map(deps.catalogue.map((e) => [e.datasetId, e]));
    this.clock = deps.clock ?? ((): Date => new Date());
  }

  exchange(requestId: string): ExchangeRecord {
    const x = this.index.exchanges.get(requestId);
    if (!x)
      throw new GatewayError('not-found', `no request ${requestId} on the ledger`, 'requestId');
    return x;
  }

  sent(requestId: string): ExchangeRecord {
    const x = this.exchange(requestId);
    if (x.requester !== this.deps.department)
      throw new GatewayError(
        'not-found',
        `${requestId} was not sent by this department`,
        'requestId',
      );
    return x;
  }

  encryptionKeyOf(department: string): EncryptionPublicKey {
    const pem = this.index.encryptionKeys.get(department) ?? this.deps.peerKeys?.[department];
    if (!pem)
      throw new GatewayError(
        'unknown-department',
        `no encryption key registered for ${department}`,
        'provider',
      );
    let key = this.importedKeys.get(pem);
    if (!key) {
      key = importEncryptionPublicKey(pem);
      // Registered keys change rarely; the map is bounded by the keys ever registered.
      this.importedKeys.set(pem, key);
    }
    return key;
  }

  /** Signs (as the gateway, or as `as`) and submits; resolves with the quorum receipt. */
  async submit(
    type: string,
    idem: string,
    body: object,
    validate = true,
    as: { readonly actor: string; readonly key: SigningPrivateKey } = {
      actor: this.actor,
      key: this.deps.keys.signing,
    },
  ): Promise<LedgerReceipt> {
    if (validate) validateEntryBody(type, body);
    const submission = createSubmission(
      { type, actor: as.actor, idem, body: body as JsonObject },
      as.key,
    );
    return this.submitter.submit(submission);
  }

  /** Records a refusal as a `rejection` entry and returns the GatewayError to answer with. */
  async reject(attempt: RejectionBody['attempt'], e: unknown): Promise<GatewayError> {
    const err =
      e instanceof GatewayError
        ? e
        : new GatewayError(
            'malformed',
            e instanceof Error ? e.message : String(e),
            (e as { field?: string }).field ?? null,
            { cause: e },
          );
    if (err.code === 'not-found' || err.code === 'unauthenticated') return err;
    const body: RejectionBody = {
      attempt,
      code: err.code as RejectionCode,
      message: err.message.slice(0, 2000) || err.code,
      ...(err.field ? { field: err.field.slice(0, 256) } : {}),
    };
    const key =
      attempt.ref?.leaf ??
      attempt.requestId ??
      toHex(createHash('sha256').update(utf8(err.message)).digest());
    try {
      await this.submit(
        ExchangeEntryTypes.Rejection,
        `rejection/${attempt.type}/${key}/${err.code}`.slice(0, 128),
        body,
      );
    } catch (cause) {
      this.deps.log?.('could not record a rejection', {
        error: (cause as Error).message,
        code: err.code,
      });
    }
    this.deps.log?.('refused', { code: err.code, message: err.message, field: err.field });
    return err;
  }
}
