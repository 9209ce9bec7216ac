import { describe, expect, it } from '@jest/globals';
import { getSuite } from '@govx/crypto';
import { GovernanceConfigError, loadGovernanceConfig } from './governance.config.js';

const base = {
  GOVX_GOVERNANCE_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/govx_governance',
  GOVX_GOVERNANCE_ENGINE_KEY_PEM: getSuite('intl').generateSigningKey().toPem(),
  GOVX_GOVERNANCE_TOKEN_SECRET: 'ab'.repeat(32),
};

describe(loadGovernanceConfig.name, () => {
  it('reads the defaults and the required variables', () => {
    const config = loadGovernanceConfig(base);
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3100 });
    expect(config.natsServers).toEqual(['nats://127.0.0.1:4222']);
    expect(config.natsAuth).toBeUndefined();
    expect(config.tokenSecret).toHaveLength(32);
  });

  it('takes the NATS user, password and inbox prefix together', () => {
    const config = loadGovernanceConfig({
      ...base,
      GOVX_NATS_SERVERS: 'nats://127.0.0.1:14222,nats://127.0.0.1:14223',
      GOVX_NATS_USER: 'service-governance',
      GOVX_NATS_PASS: 'secret',
      GOVX_NATS_INBOX_PREFIX: '_INBOX.svc.governance',
    });
    expect(config.natsServers).toHaveLength(2);
    expect(config.natsAuth).toEqual({
      user: 'service-governance',
      pass: 'secret',
      inboxPrefix: '_INBOX.svc.governance',
    });
  });

  it.each([
    [{ GOVX_NATS_USER: 'u' }, 'GOVX_NATS_PASS'],
    [{ GOVX_NATS_PASS: 'p' }, 'GOVX_NATS_USER'],
    [{ GOVX_GOVERNANCE_DATABASE_URL: 'mysql://x' }, 'GOVX_GOVERNANCE_DATABASE_URL'],
    [{ GOVX_GOVERNANCE_TOKEN_SECRET: 'abcd' }, 'GOVX_GOVERNANCE_TOKEN_SECRET'],
    [{ GOVX_GOVERNANCE_ENGINE_KEY_PEM: 'not a key' }, 'GOVX_GOVERNANCE_ENGINE_KEY_PEM'],
    [{ GOVX_GOVERNANCE_PORT: '70000' }, 'GOVX_GOVERNANCE_PORT'],
  ])('refuses %j, naming %s', (patch, variable) => {
    expect(() => loadGovernanceConfig({ ...base, ...patch })).toThrow(GovernanceConfigError);
    expect(() => loadGovernanceConfig({ ...base, ...patch })).toThrow(new RegExp(`^${variable}:`));
  });
});
