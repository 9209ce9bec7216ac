import { Command } from 'commander';
import { isRole } from '@govx/ledger-core';
import {
  createPersonAccount,
  createSystemKey,
  listApiKeys,
  loadGatewayConfig,
  openGatewayAccess,
  type GatewayAccess,
} from '@govx/gateway';
import { ExitCode } from '../exit-code.js';

/**
 * `govx gateway …`: a department operator provisions who may call its gateway, in the gateway's
 * own database (the `access` settings of its configuration): API keys of calling systems (shown
 * once, stored hashed), their revocation (effective at the next request), people's accounts.
 */
async function withAccess(
  what: string,
  configFile: string,
  run: (access: GatewayAccess) => Promise<void>,
): Promise<void> {
  try {
    const access = await openGatewayAccess(loadGatewayConfig(configFile));
    try {
      await run(access);
      process.exitCode = ExitCode.Ok;
    } finally {
      await access.close();
    }
  } catch (e) {
    process.stderr.write(`govx gateway ${what}: ${(e as Error).message}\n`);
    process.exitCode = ExitCode.Unusable;
  }
}

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

export function registerGatewayCommands(program: Command): void {
  const gateway = program
    .command('gateway')
    .description("who may call a department gateway's HTTP API: API keys and accounts");
  const key = gateway.command('key').description("calling systems' API keys");
  key
    .command('create')
    .description(
      'create an API key for a calling system (role department-system; the account is created when missing); the key is printed once, only its hash is kept',
    )
    .requiredOption('--config <file>', "the gateway's configuration")
    .requiredOption('--system <name>', 'the calling system, e.g. land-registration')
    .option('--label <text>', 'what the key is for', 'govx gateway key create')
    .action((o: { config: string; system: string; label: string }) =>
      withAccess('key create', o.config, async (access) => {
        const { id, key: apiKey, account } = await createSystemKey(access, o.system, o.label);
        print({ id, key: apiKey, system: account.name, department: account.department });
      }),
    );
  key
    .command('revoke')
    .description('revoke an API key: refused from the next request on')
    .requiredOption('--config <file>', "the gateway's configuration")
    .argument('<id>', 'the key id (the hex after govx_ak_)')
    .action((id: string, o: { config: string }) =>
      withAccess('key revoke', o.config, async (access) => {
        await access.service.revokeApiKey(id);
        print({ id, revoked: true });
      }),
    );
  key
    .command('list')
    .description('every API key of the gateway (ids, systems, labels, revocations; no secrets)')
    .requiredOption('--config <file>', "the gateway's configuration")
    .action((o: { config: string }) =>
      withAccess('key list', o.config, async (access) => print(await listApiKeys(access))),
    );
  gateway
    .command('account')
    .command('create')
    .description(
      "create a person's account on the gateway (office-head, auditor, admin, operator) with a generated password, printed once",
    )
    .requiredOption('--config <file>', "the gateway's configuration")
    .requiredOption('--name <name>', 'the sign-in name')
    .requiredOption('--role <role>', 'office-head | auditor | admin | operator')
    .action((o: { config: string; name: string; role: string }) =>
      withAccess('account create', o.config, async (access) => {
        if (!isRole(o.role)) throw new Error(`--role: unknown role ${o.role}`);
        const { account, password } = await createPersonAccount(access, o.name, o.role);
        print({
          name: account.name,
          roles: account.roles,
          department: account.department,
          password,
        });
      }),
    );
}
