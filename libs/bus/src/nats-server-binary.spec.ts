import { describe, it, expect, afterAll } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { natsServerBinary } from './nats-server-binary.js';

const dirs: string[] = [];
function dirWith(mode: number | null): string {
  const dir = mkdtempSync(join(tmpdir(), 'govx-bin-'));
  dirs.push(dir);
  if (mode !== null) {
    writeFileSync(join(dir, 'nats-server'), '#!/bin/sh\n');
    chmodSync(join(dir, 'nats-server'), mode);
  }
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe(natsServerBinary.name, () => {
  it('says how to install nats-server when PATH has none', () => {
    expect(() => natsServerBinary({ PATH: dirWith(null) })).toThrow(/apt-get install nats-server/);
    expect(() => natsServerBinary({})).toThrow(/not found on PATH \(empty\)/);
  });

  it('skips a nats-server file that is not executable', () => {
    const good = dirWith(0o755);
    expect(() => natsServerBinary({ PATH: dirWith(0o644) })).toThrow(/apt-get install/);
    expect(natsServerBinary({ PATH: [dirWith(0o644), good].join(delimiter) })).toBe(
      join(good, 'nats-server'),
    );
  });

  it('finds the first executable nats-server on PATH', () => {
    const first = dirWith(0o755);
    expect(natsServerBinary({ PATH: [dirWith(null), first, dirWith(0o755)].join(delimiter) })).toBe(
      join(first, 'nats-server'),
    );
  });

  it('finds the nats-server installed on this machine', () => {
    expect(natsServerBinary()).toMatch(/\/nats-server$/);
  });
});
