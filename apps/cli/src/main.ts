import { x } from '@govx/ledger-core';
export async function main(argv: string[]): Promise<number> { console.log('govx', x, argv.length); return 0; }
