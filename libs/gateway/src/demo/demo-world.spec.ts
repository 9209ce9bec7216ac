import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SharingCategory } from '@govx/contracts';
import { toCataloguePublishBody } from '../catalogue/catalogue-entry.js';
import { DEMO_DEPARTMENTS, demoBindings } from './demo-departments.js';
import { generateDemoWorld, idNumberCheckChar, isValidIdNumber } from './demo-world.js';
import { SeededRandom } from './prng.js';

describe(SeededRandom.name, () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = new SeededRandom('x');
    const b = new SeededRandom('x');
    const c = new SeededRandom('y');
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it('int() stays within its bounds', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.nat(1000),
        (seed, min, span) => {
          const r = new SeededRandom(seed);
          for (let i = 0; i < 20; i++) {
            const v = r.int(min, min + span);
            if (v < min || v > min + span) return false;
          }
          return true;
        },
      ),
    );
  });

  it('refuses an empty seed and inverted bounds', () => {
    expect(() => new SeededRandom('')).toThrow(TypeError);
    expect(() => new SeededRandom('s').int(2, 1)).toThrow(RangeError);
  });
});

describe('generateDemoWorld()', () => {
  const world = generateDemoWorld();

  it('has 10,000 people and 10,000 parcels, with valid unique id numbers', () => {
    expect(world.people).toHaveLength(10_000);
    expect(world.parcels).toHaveLength(10_000);
    expect(new Set(world.people.map((p) => p.idNumber)).size).toBe(10_000);
    expect(new Set(world.parcels.map((p) => p.parcelId)).size).toBe(10_000);
    expect(world.people.every((p) => isValidIdNumber(p.idNumber))).toBe(true);
  });

  it('is deterministic: the same seed gives the same world', () => {
    const again = generateDemoWorld({ people: 200, parcels: 100 });
    const small = generateDemoWorld({ people: 200, parcels: 100 });
    expect(again).toEqual(small);
    expect(generateDemoWorld({ seed: 'other', people: 200, parcels: 100 }).people[0]).not.toEqual(
      small.people[0],
    );
  });

  it('agrees across departments: owners exist, birth dates and regions match id numbers', () => {
    const people = new Map(world.people.map((p) => [p.idNumber, p]));
    for (const parcel of world.parcels) {
      const owner = people.get(parcel.ownerIdNumber);
      expect(owner).toBeDefined();
      expect(parcel.parcelId.slice(0, 6)).toBe(owner!.regionCode);
    }
    for (const p of world.people) {
      expect(p.idNumber.slice(6, 14)).toBe(p.birthDate.replaceAll('-', ''));
      expect(p.idNumber.slice(0, 6)).toBe(p.regionCode);
    }
    const taxed = world.parcelTax.map((t) => t.ownerIdNumber);
    expect(taxed).toEqual(world.parcels.map((p) => p.ownerIdNumber));
    expect(world.personTax.map((t) => t.idNumber)).toEqual(world.people.map((p) => p.idNumber));
    expect(world.contributions.map((c) => c.idNumber)).toEqual(world.people.map((p) => p.idNumber));
  });

  it('computes the GB 11643 check character (known answer)', () => {
    // The standard's worked example: 11010519491231002 → X.
    expect(idNumberCheckChar('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
  });
});

describe('DEMO_DEPARTMENTS', () => {
  it('has four departments whose catalogue entries are valid and bound to a table', () => {
    expect(DEMO_DEPARTMENTS.map((d) => d.id)).toHaveLength(4);
    for (const d of DEMO_DEPARTMENTS) {
      for (const entry of d.catalogue) expect(() => toCataloguePublishBody(entry)).not.toThrow();
      for (const b of demoBindings(d)) {
        const table = d.tables.find((t) => t.table === b.table)!;
        for (const field of b.fields) expect(table.fields.map((f) => f.name)).toContain(field.name);
      }
    }
  });

  it('covers the three sharing categories, both modes and the three grades', () => {
    const entries = DEMO_DEPARTMENTS.flatMap((d) => d.catalogue);
    expect(new Set(entries.map((e) => e.category))).toEqual(
      new Set(Object.values(SharingCategory)),
    );
    expect(new Set(entries.map((e) => e.mode))).toEqual(new Set(['transfer', 'verification']));
    expect(new Set(entries.flatMap((e) => e.fields.map((f) => f.grade)))).toEqual(
      new Set(['general', 'important', 'core']),
    );
  });
});
