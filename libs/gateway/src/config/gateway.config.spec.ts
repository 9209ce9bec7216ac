import { describe, expect, it } from '@jest/globals';
import { GatewayConfigError, parseGatewayConfig } from './gateway.config.js';

const base = {
  department: 'taxation',
  keys: { signingKeyFile: 'keys/s.pem', encryptionKeyFile: 'keys/e.pem' },
  nats: { servers: ['nats://127.0.0.1:4222'] },
  ledger: { httpUrl: 'http://127.0.0.1:8080' },
  dataSource: { url: 'postgres://postgres@127.0.0.1:5432/tx' },
  access: {
    databaseUrl: 'postgres://postgres@127.0.0.1:5432/govx_gateway_tx',
    tokenSecretFile: 'keys/access.secret',
  },
};

describe('parseGatewayConfig()', () => {
  it('fills in the defaults and resolves key files from the config directory', () => {
    const c = parseGatewayConfig(base, '/etc/govx');
    expect(c.suite).toBe('intl');
    expect(c.nats.replicas).toBe(3);
    expect(c.keys.signingKeyFile).toBe('/etc/govx/keys/s.pem');
    expect(c.payloads.retentionMs).toBe(30 * 24 * 3600 * 1000);
    expect(c.dataSource.demo).toBe(false);
    expect(c.access.tokenSecretFile).toBe('/etc/govx/keys/access.secret');
  });

  it('names the bad setting', () => {
    const bad: [unknown, string][] = [
      [{ ...base, department: 'Tax' }, '/department'],
      [{ ...base, nats: { servers: ['tcp://x'] } }, '/nats/servers/0'],
      [
        { ...base, access: { ...base.access, databaseUrl: 'postgres://h/a-b' } },
        '/access/databaseUrl',
      ],
      [{ ...base, access: { databaseUrl: base.access.databaseUrl } }, '/access/tokenSecretFile'],
      [{ ...base, access: undefined }, '/access'],
      [{ ...base, extra: 1 }, '/extra'],
      [{ ...base, ledger: undefined }, '/ledger'],
    ];
    for (const [raw, setting] of bad) {
      expect(() => parseGatewayConfig(raw)).toThrow(GatewayConfigError);
      expect(() => parseGatewayConfig(raw)).toThrow(expect.objectContaining({ setting }));
    }
  });

  it('refuses Bearer tokens written in the configuration (systems use hashed API keys)', () => {
    const raw = { ...base, systems: [{ id: 'registry', token: 'x'.repeat(32) }] };
    expect(() => parseGatewayConfig(raw)).toThrow(
      expect.objectContaining({ setting: '/systems', message: expect.stringMatching(/API key/) }),
    );
  });
});
