// `govx bench crypto`: the two suites against raw node:crypto calls on the same bytes.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hash,
  sign,
  verify,
} from 'node:crypto';
import { getSuite, type SuiteId } from '@govx/crypto';
import { formatRate, measure, type Measurement } from './measure.js';

/** A row with the CPU time (user + system, `process.cpuUsage`) per operation of its timed loop. */
export interface CryptoMeasurement extends Measurement {
  readonly cpuMicrosPerOp: number;
}

export interface CryptoBenchResult {
  readonly rows: readonly CryptoMeasurement[];
}

/** One line per row: rate (wall) and CPU µs per operation (load-independent, mostly). */
export function printCryptoBench(result: CryptoBenchResult, print: (line: string) => void): void {
  for (const m of result.rows) {
    print(
      `  ${m.name.padEnd(50)} ${formatRate(m.perSecond).padStart(12)} /s ${m.cpuMicrosPerOp.toFixed(1).padStart(9)} µs CPU/op`,
    );
  }
}

const MESSAGE = new Uint8Array(Buffer.alloc(200, 'govx'));

export function runCryptoBench(ops: number): CryptoBenchResult {
  const rows: CryptoMeasurement[] = [];
  const loop = (name: string, n: number, fn: () => void): void => {
    let cpu = 0;
    const m = measure(
      name,
      n,
      () => {
        const start = process.cpuUsage();
        for (let i = 0; i < n; i++) fn();
        const used = process.cpuUsage(start);
        cpu = used.user + used.system;
      },
      () => {
        for (let i = 0; i < Math.min(n, 200); i++) fn();
      },
    );
    rows.push({ ...m, cpuMicrosPerOp: cpu / n });
  };
  loop('raw node:crypto SHA-256, 200 B', ops * 10, () => hash('sha256', MESSAGE, 'buffer'));
  loop('raw node:crypto SM3, 200 B', ops * 10, () => hash('sm3', MESSAGE, 'buffer'));

  const raw = generateKeyPairSync('ed25519');
  const rawSig = sign(null, MESSAGE, raw.privateKey);
  loop('raw node:crypto Ed25519 sign', ops, () => sign(null, MESSAGE, raw.privateKey));
  loop('raw node:crypto Ed25519 verify', ops, () => verify(null, MESSAGE, raw.publicKey, rawSig));

  const sm2 = getSuite('sm').generateSigningKey();
  const rawSm2 = createPrivateKey(sm2.toPem());
  const rawSm2Pub = createPublicKey(sm2.publicKey.toPem());
  const rawSm2Sig = sign(null, MESSAGE, rawSm2);
  loop('raw node:crypto SM2 sign (OpenSSL 3.0: empty id)', ops / 4, () =>
    sign(null, MESSAGE, rawSm2),
  );
  loop('raw node:crypto SM2 verify (empty id)', ops / 4, () =>
    verify(null, MESSAGE, rawSm2Pub, rawSm2Sig),
  );

  for (const id of ['intl', 'sm'] as SuiteId[]) {
    const suite = getSuite(id);
    const n = id === 'intl' ? ops : ops / 4;
    const key = suite.generateSigningKey();
    const sig = key.sign(MESSAGE);
    loop(`${id}: sign (${suite.signatureAlgorithm})`, n, () => key.sign(MESSAGE));
    loop(`${id}: verify (${suite.signatureAlgorithm})`, n, () =>
      key.publicKey.verify(MESSAGE, sig),
    );
    const enc = suite.generateEncryptionKey();
    const sealed = suite.seal(enc.publicKey, MESSAGE);
    loop(`${id}: seal 200 B to one recipient`, n / 4, () => suite.seal(enc.publicKey, MESSAGE));
    loop(`${id}: open 200 B`, n / 4, () => suite.open(enc, sealed));
  }
  return { rows };
}
