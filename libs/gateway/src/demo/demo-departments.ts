// The four demo departments: their tables (filled from the demo world), their dataset
// bindings and their catalogue entries, covering the three sharing categories, both methods
// and grades 1–4, so the demo shows auto-approval, officer review and refusal.
import type { DataClassification, DataGrade } from '@govx/contracts';
import type { CatalogueEntry, CatalogueField } from '../catalogue/catalogue-entry.js';
import { columnOf, type FieldType, type TableBinding } from '../data-source/data-source.js';
import type { DemoWorld } from './demo-world.js';

export const DEMO_DEPARTMENT_IDS = [
  'public-security',
  'natural-resources',
  'taxation',
  'social-security',
] as const;
export type DemoDepartmentId = (typeof DEMO_DEPARTMENT_IDS)[number];

export interface DemoTable {
  readonly table: string;
  readonly subjectField: string;
  readonly fields: readonly { readonly name: string; readonly type: FieldType }[];
  /** One object per row, keyed by field name (FieldValue members). */
  rows(world: DemoWorld): readonly object[];
}

export interface DemoDepartment {
  readonly id: DemoDepartmentId;
  readonly name: string;
  readonly tables: readonly DemoTable[];
  readonly catalogue: readonly CatalogueEntry[];
  /** Which table holds each catalogue entry's records. */
  readonly tableOf: Readonly<Record<string, string>>;
}

const GRADES: Readonly<Record<1 | 2 | 3, DataGrade>> = { 1: 'general', 2: 'important', 3: 'core' };

/** A field: grade 1 general, 2 important, 3 core; classification p public, P personal, S sensitive personal. */
const f = (
  name: string,
  type: FieldType,
  grade: 1 | 2 | 3,
  description: string,
  masking?: string,
  classification: DataClassification = 'personal',
): CatalogueField => ({
  name,
  type,
  grade: GRADES[grade],
  classification,
  description,
  ...(masking ? { masking } : {}),
});

const ID_NUMBER = f(
  'idNumber',
  'string',
  3,
  'resident identity card number (GB 11643)',
  'id-number',
);

const identityTable: DemoTable = {
  table: 'ps_identity',
  subjectField: 'idNumber',
  fields: [
    { name: 'idNumber', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'gender', type: 'string' },
    { name: 'birthDate', type: 'date' },
    { name: 'ethnicity', type: 'string' },
    { name: 'address', type: 'string' },
    { name: 'photoHash', type: 'string' },
    { name: 'issuedBy', type: 'string' },
    { name: 'validUntil', type: 'date' },
  ],
  rows: (w) => w.people.map(({ regionCode: _r, ...p }) => p),
};

const parcelTable: DemoTable = {
  table: 'nr_land_parcel',
  subjectField: 'parcelId',
  fields: [
    { name: 'parcelId', type: 'string' },
    { name: 'ownerIdNumber', type: 'string' },
    { name: 'certificateNo', type: 'string' },
    { name: 'areaM2', type: 'integer' },
    { name: 'landUse', type: 'string' },
    { name: 'location', type: 'string' },
    { name: 'registeredOn', type: 'date' },
    { name: 'mortgaged', type: 'boolean' },
    { name: 'assessedValueCny', type: 'integer' },
  ],
  rows: (w) => w.parcels,
};

const personTaxTable: DemoTable = {
  table: 'tx_person_tax',
  subjectField: 'idNumber',
  fields: [
    { name: 'idNumber', type: 'string' },
    { name: 'status', type: 'string' },
    { name: 'arrearsCny', type: 'integer' },
    { name: 'lastFiledYear', type: 'integer' },
    { name: 'taxOffice', type: 'string' },
    { name: 'annualIncomeCny', type: 'integer' },
  ],
  rows: (w) => w.personTax,
};

const parcelTaxTable: DemoTable = {
  table: 'tx_parcel_tax',
  subjectField: 'parcelId',
  fields: [
    { name: 'parcelId', type: 'string' },
    { name: 'ownerIdNumber', type: 'string' },
    { name: 'deedTaxPaid', type: 'boolean' },
    { name: 'landTaxStatus', type: 'string' },
    { name: 'assessedValueCny', type: 'integer' },
  ],
  rows: (w) => w.parcelTax,
};

const contributionTable: DemoTable = {
  table: 'ss_contribution',
  subjectField: 'idNumber',
  fields: [
    { name: 'idNumber', type: 'string' },
    { name: 'insured', type: 'boolean' },
    { name: 'employer', type: 'string' },
    { name: 'monthsContributed', type: 'integer' },
    { name: 'lastMonth', type: 'string' },
    { name: 'monthlyBaseCny', type: 'integer' },
    { name: 'pensionStatus', type: 'string' },
  ],
  rows: (w) => w.contributions,
};

const common = { version: 1, frequency: 'realtime' } as const;

export const DEMO_DEPARTMENTS: readonly DemoDepartment[] = [
  {
    id: 'public-security',
    name: '公安局 Public Security Bureau',
    tables: [identityTable],
    tableOf: {
      'ps.identity-check': 'ps_identity',
      'ps.identity': 'ps_identity',
      'ps.identity-photo': 'ps_identity',
    },
    catalogue: [
      {
        ...common,
        datasetId: 'ps.identity-check',
        department: 'public-security',
        name: '居民身份核验 Resident identity verification',
        description:
          'Answers whether a claimed name and id number match the register; returns no record.',
        category: 'unconditional',
        mode: 'verification',
        subjectField: 'idNumber',
        fields: [ID_NUMBER, f('name', 'string', 2, 'full name', 'name')],
      },
      {
        ...common,
        datasetId: 'ps.identity',
        department: 'public-security',
        name: '居民身份信息 Resident identity record',
        description: 'Identity card data of a resident.',
        category: 'conditional',
        mode: 'transfer',
        subjectField: 'idNumber',
        conditions: ['an administrative procedure concerning the person, with its legal basis'],
        scope: 'one person per request',
        purposes: ['real-estate registration', 'social benefits', 'licensing'],
        fields: [
          ID_NUMBER,
          f('name', 'string', 2, 'full name', 'name'),
          f('gender', 'string', 1, 'male or female'),
          f('birthDate', 'date', 2, 'date of birth', 'birth-year'),
          f('ethnicity', 'string', 3, 'ethnic group', 'redact'),
          f('address', 'string', 2, 'registered address', 'address-district'),
          f('validUntil', 'date', 1, 'card valid until'),
        ],
      },
      {
        ...common,
        datasetId: 'ps.identity-photo',
        department: 'public-security',
        name: '居民身份证照片 Identity card photograph',
        description: 'Hash of the identity card photograph.',
        category: 'not-shared',
        mode: 'transfer',
        subjectField: 'idNumber',
        reason: 'personal information learnt in issuing identity cards is kept confidential',
        citation: {
          kind: 'law',
          title: '中华人民共和国居民身份证法 (Resident Identity Card Law)',
          article: '第六条 (art. 6)',
        },
        fields: [
          ID_NUMBER,
          f('photoHash', 'string', 3, 'SHA-256 of the photograph', undefined, 'sensitive-personal'),
        ],
      },
    ],
  },
  {
    id: 'natural-resources',
    name: '自然资源局 Natural Resources Bureau',
    tables: [parcelTable],
    tableOf: { 'nr.land-parcel': 'nr_land_parcel', 'nr.land-ownership': 'nr_land_parcel' },
    catalogue: [
      {
        ...common,
        datasetId: 'nr.land-parcel',
        department: 'natural-resources',
        name: '宗地信息 Land parcel',
        description: 'Area, use and location of a registered land parcel.',
        category: 'unconditional',
        mode: 'transfer',
        subjectField: 'parcelId',
        frequency: 'daily',
        fields: [
          f('parcelId', 'string', 1, 'parcel number', undefined, 'public'),
          f('areaM2', 'integer', 1, 'area in square metres', undefined, 'public'),
          f(
            'landUse',
            'string',
            1,
            'residential, agricultural, commercial or industrial',
            undefined,
            'public',
          ),
          f('location', 'string', 1, 'location', undefined, 'public'),
          f('registeredOn', 'date', 1, 'first registration', undefined, 'public'),
        ],
      },
      {
        ...common,
        datasetId: 'nr.land-ownership',
        department: 'natural-resources',
        name: '不动产权属 Land ownership',
        description: 'Owner, certificate and encumbrance of a parcel.',
        category: 'conditional',
        mode: 'transfer',
        subjectField: 'parcelId',
        conditions: ['a transaction, tax or court procedure concerning the parcel'],
        scope: 'one parcel per request',
        purposes: ['real-estate registration', 'taxation', 'court enforcement'],
        fields: [
          f('parcelId', 'string', 1, 'parcel number'),
          f('ownerIdNumber', 'string', 2, 'owner id number', 'id-number'),
          f('certificateNo', 'string', 2, 'real-estate certificate number', 'certificate'),
          f('mortgaged', 'boolean', 2, 'under mortgage'),
          f('assessedValueCny', 'integer', 2, 'assessed value (CNY)', 'round-10k'),
        ],
      },
    ],
  },
  {
    id: 'taxation',
    name: '税务局 Taxation Bureau',
    tables: [personTaxTable, parcelTaxTable],
    tableOf: {
      'tx.tax-clearance': 'tx_person_tax',
      'tx.parcel-tax-clearance': 'tx_parcel_tax',
      'tx.income': 'tx_person_tax',
    },
    catalogue: [
      {
        ...common,
        datasetId: 'tx.tax-clearance',
        department: 'taxation',
        name: '完税证明 Tax clearance (person)',
        description: 'Whether a person has cleared their taxes.',
        category: 'conditional',
        mode: 'transfer',
        subjectField: 'idNumber',
        conditions: ['a licence, transaction or benefit that requires tax clearance'],
        scope: 'one person per request',
        purposes: ['real-estate registration', 'licensing', 'public procurement'],
        fields: [
          ID_NUMBER,
          f('status', 'string', 2, 'cleared or arrears'),
          f('arrearsCny', 'integer', 2, 'amount in arrears (CNY)', 'round-1k'),
          f('lastFiledYear', 'integer', 1, 'last filed tax year'),
          f('taxOffice', 'string', 1, 'competent tax office'),
        ],
      },
      {
        ...common,
        datasetId: 'tx.parcel-tax-clearance',
        department: 'taxation',
        name: '不动产完税 Land tax clearance',
        description: 'Deed tax and land tax status of a parcel.',
        category: 'unconditional',
        mode: 'transfer',
        subjectField: 'parcelId',
        fields: [
          f('parcelId', 'string', 1, 'parcel number'),
          f('deedTaxPaid', 'boolean', 1, 'deed tax paid'),
          f('landTaxStatus', 'string', 1, 'paid, due or exempt'),
        ],
      },
      {
        ...common,
        datasetId: 'tx.income',
        department: 'taxation',
        name: '个人收入 Personal income',
        description: 'Annual taxable income.',
        category: 'not-shared',
        mode: 'transfer',
        subjectField: 'idNumber',
        reason: 'taxpayer information is kept confidential',
        citation: {
          kind: 'law',
          title: '中华人民共和国税收征收管理法 (Tax Collection Administration Law)',
          article: '第八条 (art. 8)',
        },
        fields: [
          ID_NUMBER,
          f(
            'annualIncomeCny',
            'integer',
            3,
            'annual taxable income (CNY)',
            undefined,
            'sensitive-personal',
          ),
        ],
      },
    ],
  },
  {
    id: 'social-security',
    name: '人力资源和社会保障局 Human Resources and Social Security Bureau',
    tables: [contributionTable],
    tableOf: { 'ss.insured-check': 'ss_contribution', 'ss.contribution-record': 'ss_contribution' },
    catalogue: [
      {
        ...common,
        datasetId: 'ss.insured-check',
        department: 'social-security',
        name: '参保核验 Insurance status verification',
        description: 'Answers whether a person is insured; returns no record.',
        category: 'unconditional',
        mode: 'verification',
        subjectField: 'idNumber',
        fields: [ID_NUMBER, f('insured', 'boolean', 1, 'currently insured')],
      },
      {
        ...common,
        datasetId: 'ss.contribution-record',
        department: 'social-security',
        name: '社保缴费记录 Social insurance contribution record',
        description: 'Employer, months contributed and contribution base.',
        category: 'conditional',
        mode: 'transfer',
        subjectField: 'idNumber',
        frequency: 'monthly',
        conditions: [
          'a residence, housing or benefit procedure that requires contribution history',
        ],
        scope: 'one person per request',
        purposes: ['real-estate registration', 'residence permit', 'social benefits'],
        fields: [
          ID_NUMBER,
          f('insured', 'boolean', 1, 'currently insured'),
          f('employer', 'string', 2, 'current employer', 'redact'),
          f('monthsContributed', 'integer', 2, 'months of contributions'),
          f('lastMonth', 'string', 1, 'last contribution month'),
          f('monthlyBaseCny', 'integer', 2, 'monthly contribution base (CNY)', 'round-1k'),
          f('pensionStatus', 'string', 1, 'contributing, suspended, retired or none'),
        ],
      },
    ],
  },
];

export function demoDepartment(id: string): DemoDepartment {
  const d = DEMO_DEPARTMENTS.find((x) => x.id === id);
  if (!d) throw new RangeError(`department: unknown demo department ${JSON.stringify(id)}`);
  return d;
}

/** The DataSource bindings of a demo department's catalogue entries. */
export function demoBindings(department: DemoDepartment): TableBinding[] {
  return department.catalogue.map((entry) => {
    const tableName = department.tableOf[entry.datasetId];
    const table = department.tables.find((t) => t.table === tableName);
    if (!table) throw new Error(`demo: no table for ${entry.datasetId}`);
    return {
      datasetId: entry.datasetId,
      table: table.table,
      subjectField: entry.subjectField,
      fields: entry.fields.map((field) => ({
        name: field.name,
        column: columnOf(field.name),
        type: field.type,
      })),
    };
  });
}
