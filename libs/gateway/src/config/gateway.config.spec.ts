import { describe, expect, it } from '@jest/globals';
import { GatewayConfigError, parseGatewayConfig } from './gateway.config.js';

const base = {
  department: 'taxation',
  keys: { signingKeyFile: 'keys/s.pem', encryptionKeyFile: 'keys/e.pem' },
  nats: { servers: ['nats://127.0.0.1:4222'] },
  ledger: { httpUrl: 'http://127.0.0.1:8080' },
  dataSource: { url: 'postgres://postgres@127.0.0.1:5432/tx' },
  systems: [{ id: 'registry', token: 'x'.repeat(32) }],
};

describe('parseGatewayConfig()', () => {
  it('fills in the defaults and resolves key files from the config directory', () => {
    const c = parseGatewayConfig(base, '/etc/govx');
    expect(c.suite).toBe('intl');
    expect(c.nats.replicas).toBe(3);
    expect(c.keys.signingKeyFile).toBe('/etc/govx/keys/s.pem');
    expect(c.payloads.retentionMs).toBe(30 * 24 * 3600 * 1000);
    expect(c.dataSource.demo).toBe(false);
  });

  it('names the bad setting', () => {
    const bad: [unknown, string][] = [
      [{ ...base, department: 'Tax' }, '/department'],
      [{ ...base, nats: { servers: ['tcp://x'] } }, '/nats/servers/0'],
      [{ ...base, systems: [{ id: 'a', token: 'short' }] }, '/systems/0/token'],
      [{ ...base, extra: 1 }, '/extra'],
      [{ ...base, ledger: undefined }, '/ledger'],
      [{ ...base, systems: [base.systems[0], base.systems[0]] }, '/systems/1/id'],
    ];
    for (const [raw, setting] of bad) {
      expect(() => parseGatewayConfig(raw)).toThrow(GatewayConfigError);
      expect(() => parseGatewayConfig(raw)).toThrow(expect.objectContaining({ setting }));
    }
  });
});
