// govx: the command line of the platform. This file only composes the commands.
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './commands/audit.command.js';
import { registerBenchCommands } from './commands/bench.command.js';
import { registerBootstrapCommand } from './commands/bootstrap.command.js';
import { registerGatewayCommands } from './commands/gateway.command.js';
import { registerInitCommand } from './commands/init.command.js';
import { registerLedgerCommands } from './commands/ledger.command.js';
import { registerProofCommands } from './commands/proof.command.js';
import { registerUpCommand } from './commands/up.command.js';
import { ExitCode } from './exit-code.js';

export function buildProgram(): Command {
  const program = new Command('govx')
    .description('govx: government data exchange with a verifiable ledger')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerUpCommand(program);
  registerInitCommand(program);
  registerBootstrapCommand(program);
  registerProofCommands(program);
  registerLedgerCommands(program);
  registerGatewayCommands(program);
  registerAuditCommands(program);
  registerBenchCommands(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code (the caller exits). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return Number(process.exitCode ?? ExitCode.Ok);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Unusable;
    }
    process.stderr.write(`govx: ${(e as Error).message}\n`);
    return ExitCode.Unusable;
  }
}
