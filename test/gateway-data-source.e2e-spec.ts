// The demo loader and the PostgreSQL table adapter against the real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  demoBindings,
  demoDepartment,
  DEMO_DEPARTMENTS,
  ensureDatabase,
  generateDemoWorld,
  loadDemoDepartment,
  PgTableSource,
  UnknownDatasetError,
} from '@govx/gateway';
import { dropDatabases, POSTGRES, testDatabaseName } from './support/databases.js';
import pg from 'pg';

const DB = testDatabaseName('gateway_ds');
const URL = `${POSTGRES}/${DB}`;

describe(PgTableSource.name, () => {
  const world = generateDemoWorld();
  const sources: PgTableSource[] = [];

  beforeAll(async () => {
    await ensureDatabase(POSTGRES, DB);
    for (const d of DEMO_DEPARTMENTS) {
      const result = await loadDemoDepartment(URL, d, world);
      expect(result.loaded).toBe(true);
      sources.push(PgTableSource.connect(URL, demoBindings(d)));
    }
  });

  afterAll(async () => {
    for (const s of sources) await s.close();
    await dropDatabases([DB]);
  });

  it('loads 10,000 rows per table, and a second load with the same seed is a no-op', async () => {
    const again = await loadDemoDepartment(URL, demoDepartment('taxation'), world);
    expect(again).toEqual({
      department: 'taxation',
      loaded: false,
      rows: { tx_person_tax: 10_000, tx_parcel_tax: 10_000 },
    });
  });

  it('reads one record restricted to the asked fields, agreeing across departments', async () => {
    const [ps, nr, tx, ss] = sources as [
      PgTableSource,
      PgTableSource,
      PgTableSource,
      PgTableSource,
    ];
    const parcel = world.parcels[42]!;
    const owner = world.people.find((p) => p.idNumber === parcel.ownerIdNumber)!;
    await expect(
      nr.read('nr.land-ownership', parcel.parcelId, ['ownerIdNumber', 'mortgaged']),
    ).resolves.toEqual({ ownerIdNumber: owner.idNumber, mortgaged: parcel.mortgaged });
    await expect(ps.read('ps.identity', owner.idNumber, ['name', 'birthDate'])).resolves.toEqual({
      name: owner.name,
      birthDate: owner.birthDate,
    });
    const tax = world.personTax.find((t) => t.idNumber === owner.idNumber)!;
    await expect(
      tx.read('tx.tax-clearance', owner.idNumber, ['status', 'arrearsCny']),
    ).resolves.toEqual({
      status: tax.status,
      arrearsCny: tax.arrearsCny,
    });
    const c = world.contributions.find((x) => x.idNumber === owner.idNumber)!;
    await expect(
      ss.read('ss.contribution-record', owner.idNumber, ['insured', 'employer']),
    ).resolves.toEqual({
      insured: c.insured,
      employer: c.employer,
    });
  });

  it('answers null for an unknown subject and a named error for an unknown dataset or field', async () => {
    const ps = sources[0]!;
    await expect(ps.read('ps.identity', '000000000000000000', ['name'])).resolves.toBeNull();
    await expect(ps.read('tx.tax-clearance', 'x', ['status'])).rejects.toBeInstanceOf(
      UnknownDatasetError,
    );
    await expect(ps.read('ps.identity', 'x', ['name', 'photoHash'])).rejects.toMatchObject({
      name: 'UnknownFieldError',
      field: 'fields/1',
    });
    await expect(ps.read('ps.identity', "x' OR '1'='1", ['name'])).resolves.toBeNull();
  });

  it('survives the server ending its idle connections: reported, then replaced on the next read', async () => {
    const lost: Error[] = [];
    const source = PgTableSource.connect(URL, demoBindings(demoDepartment('taxation')), (e) =>
      lost.push(e),
    );
    try {
      const person = world.people[7]!;
      const first = await source.read('tx.tax-clearance', person.idNumber, ['status']);
      expect(first).not.toBeNull();
      const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
      await admin.connect();
      const { rowCount } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [DB],
      );
      await admin.end();
      expect(rowCount).toBeGreaterThan(0);
      for (let i = 0; i < 50 && lost.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lost[0]?.message).toMatch(/terminating connection/);
      await expect(source.read('tx.tax-clearance', person.idNumber, ['status'])).resolves.toEqual(
        first,
      );
    } finally {
      await source.close();
    }
  });
});
