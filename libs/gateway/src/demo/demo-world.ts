// The demo world: one deterministic population of people and land parcels from which the four
// demo departments' records are derived, so that an id number, an owner or a parcel agrees
// across public security, natural resources, taxation and social security.
import { createHash } from 'node:crypto';
import { SeededRandom } from './prng.js';

export const DEMO_SEED = 'govx-demo-2026';
export const DEMO_PEOPLE = 10_000;
export const DEMO_PARCELS = 10_000;

export interface Person {
  readonly idNumber: string;
  readonly name: string;
  readonly gender: 'male' | 'female';
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly ethnicity: string;
  readonly address: string;
  /** The 6-digit administrative division code: the id number's first six digits. */
  readonly regionCode: string;
  readonly photoHash: string;
  readonly issuedBy: string;
  readonly validUntil: string;
}

export interface Parcel {
  readonly parcelId: string;
  readonly ownerIdNumber: string;
  readonly certificateNo: string;
  readonly areaM2: number;
  readonly landUse: 'residential' | 'agricultural' | 'commercial' | 'industrial';
  readonly location: string;
  readonly registeredOn: string;
  readonly mortgaged: boolean;
  readonly assessedValueCny: number;
}

export interface PersonTaxRecord {
  readonly idNumber: string;
  readonly status: 'cleared' | 'arrears';
  readonly arrearsCny: number;
  readonly lastFiledYear: number;
  readonly taxOffice: string;
  readonly annualIncomeCny: number;
}

export interface ParcelTaxRecord {
  readonly parcelId: string;
  readonly ownerIdNumber: string;
  readonly deedTaxPaid: boolean;
  readonly landTaxStatus: 'paid' | 'due' | 'exempt';
  readonly assessedValueCny: number;
}

export interface ContributionRecord {
  readonly idNumber: string;
  readonly insured: boolean;
  readonly employer: string | null;
  readonly monthsContributed: number;
  /** YYYY-MM, or null when never insured. */
  readonly lastMonth: string | null;
  readonly monthlyBaseCny: number;
  readonly pensionStatus: 'contributing' | 'suspended' | 'retired' | 'none';
}

export interface DemoWorld {
  readonly seed: string;
  readonly people: readonly Person[];
  readonly parcels: readonly Parcel[];
  readonly personTax: readonly PersonTaxRecord[];
  readonly parcelTax: readonly ParcelTaxRecord[];
  readonly contributions: readonly ContributionRecord[];
}

const REGIONS: readonly { code: string; place: string; districts: readonly string[] }[] = [
  { code: '110105', place: '北京市朝阳区', districts: ['建国路', '朝阳北路', '望京街'] },
  { code: '310104', place: '上海市徐汇区', districts: ['漕溪北路', '肇嘉浜路', '天钥桥路'] },
  { code: '330106', place: '浙江省杭州市西湖区', districts: ['文三路', '天目山路', '古墩路'] },
  { code: '440305', place: '广东省深圳市南山区', districts: ['深南大道', '科技园路', '南海大道'] },
  {
    code: '510107',
    place: '四川省成都市武侯区',
    districts: ['人民南路', '武侯祠大街', '科华北路'],
  },
  { code: '420106', place: '湖北省武汉市武昌区', districts: ['中南路', '武珞路', '和平大道'] },
  { code: '610113', place: '陕西省西安市雁塔区', districts: ['长安南路', '小寨东路', '高新路'] },
  { code: '320106', place: '江苏省南京市鼓楼区', districts: ['中山北路', '北京西路', '湖南路'] },
];
const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '高',
  '罗',
  '郑',
  '梁',
  '谢',
  '宋',
  '唐',
  '许',
  '韩',
  '冯',
  '邓',
  '曹',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀',
  '霞',
  '平',
  '刚',
  '桂',
  '英',
  '华',
  '建',
  '国',
  '文',
  '辉',
  '玲',
  '鑫',
  '宇',
  '浩',
  '欣',
  '怡',
  '晨',
  '博',
  '雪',
  '梅',
  '琳',
  '峰',
];
const ETHNICITIES = ['汉', '汉', '汉', '汉', '汉', '汉', '汉', '汉', '回', '满', '壮', '苗'];
const EMPLOYERS = [
  '国网供电公司',
  '市第一人民医院',
  '华信科技有限公司',
  '城建集团',
  '市实验中学',
  '江南纺织厂',
  '长河物流有限公司',
  '新华书店',
  '蓝海软件有限公司',
  '市政工程公司',
];
const LAND_USES = [
  'residential',
  'residential',
  'residential',
  'agricultural',
  'commercial',
  'industrial',
] as const;

/** ISO 7064 MOD 11-2 check character of an 18-character resident id number (GB 11643-1999). */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('first17: expected 17 digits');
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return '10X98765432'[sum % 11]!;
}

export function isValidIdNumber(value: string): boolean {
  return /^\d{17}[\dX]$/.test(value) && idNumberCheckChar(value.slice(0, 17)) === value[17];
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function makePerson(rng: SeededRandom, index: number, taken: Set<string>): Person {
  const region = rng.pick(REGIONS);
  const year = rng.int(1945, 2004);
  const month = rng.int(1, 12);
  const day = rng.int(1, 28);
  const birthDate = `${year}-${pad(month, 2)}-${pad(day, 2)}`;
  let idNumber = '';
  let sequence = rng.int(1, 999);
  for (;;) {
    const first17 = `${region.code}${year}${pad(month, 2)}${pad(day, 2)}${pad(sequence, 3)}`;
    idNumber = first17 + idNumberCheckChar(first17);
    if (!taken.has(idNumber)) break;
    sequence = (sequence % 999) + 1;
  }
  taken.add(idNumber);
  const gender = Number(idNumber[16]) % 2 === 1 ? 'male' : 'female';
  const given = rng.chance(0.6) ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  const address = `${region.place}${rng.pick(region.districts)}${rng.int(1, 999)}号${rng.int(1, 30)}栋${rng.int(101, 2804)}室`;
  return {
    idNumber,
    name: rng.pick(SURNAMES) + given,
    gender,
    birthDate,
    ethnicity: rng.pick(ETHNICITIES),
    address,
    regionCode: region.code,
    photoHash: createHash('sha256').update(`demo-photo/${index}/${idNumber}`).digest('hex'),
    issuedBy: `${region.place}公安分局`,
    validUntil: `${rng.int(2027, 2045)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`,
  };
}

/** The whole demo world for `seed`; the same seed always gives the same world. */
export function generateDemoWorld(
  options: { seed?: string; people?: number; parcels?: number } = {},
): DemoWorld {
  const seed = options.seed ?? DEMO_SEED;
  const peopleCount = options.people ?? DEMO_PEOPLE;
  const parcelCount = options.parcels ?? DEMO_PARCELS;
  for (const [name, n] of [
    ['people', peopleCount],
    ['parcels', parcelCount],
  ] as const) {
    if (!Number.isSafeInteger(n) || n < 1 || n > 1_000_000) {
      throw new RangeError(`${name}: expected an integer in [1, 1000000], got ${n}`);
    }
  }
  const rng = new SeededRandom(seed);
  const taken = new Set<string>();
  const people = Array.from({ length: peopleCount }, (_, i) => makePerson(rng, i, taken));

  const parcels: Parcel[] = [];
  for (let i = 0; i < parcelCount; i++) {
    const owner = rng.pick(people);
    const region = REGIONS.find((r) => r.code === owner.regionCode)!;
    const landUse = rng.pick(LAND_USES);
    const areaM2 = landUse === 'agricultural' ? rng.int(600, 20_000) : rng.int(40, 3_000);
    const perM2 = landUse === 'agricultural' ? rng.int(50, 400) : rng.int(8_000, 80_000);
    parcels.push({
      parcelId: `${region.code}-${pad(rng.int(1, 999), 3)}-${pad(i + 1, 6)}`,
      ownerIdNumber: owner.idNumber,
      certificateNo: `不动产权第${pad(rng.int(2000000, 9999999), 7)}号`,
      areaM2,
      landUse,
      location: `${region.place}${rng.pick(region.districts)}地块${pad(i + 1, 6)}`,
      registeredOn: `${rng.int(1998, 2025)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)}`,
      mortgaged: rng.chance(0.3),
      assessedValueCny: areaM2 * perM2,
    });
  }

  const personTax: PersonTaxRecord[] = people.map((p) => {
    const arrears = rng.chance(0.08);
    return {
      idNumber: p.idNumber,
      status: arrears ? 'arrears' : 'cleared',
      arrearsCny: arrears ? rng.int(200, 120_000) : 0,
      lastFiledYear: rng.int(2021, 2025),
      taxOffice: `国家税务总局${REGIONS.find((r) => r.code === p.regionCode)!.place}税务局`,
      annualIncomeCny: rng.int(24_000, 900_000),
    };
  });
  const taxByPerson = new Map(personTax.map((t) => [t.idNumber, t]));
  const parcelTax: ParcelTaxRecord[] = parcels.map((parcel) => {
    const owedPerson = taxByPerson.get(parcel.ownerIdNumber);
    return {
      parcelId: parcel.parcelId,
      ownerIdNumber: parcel.ownerIdNumber,
      deedTaxPaid: rng.chance(0.97),
      landTaxStatus:
        parcel.landUse === 'agricultural'
          ? 'exempt'
          : owedPerson?.status === 'arrears' && rng.chance(0.5)
            ? 'due'
            : 'paid',
      assessedValueCny: parcel.assessedValueCny,
    };
  });
  const contributions: ContributionRecord[] = people.map((p) => {
    const age = 2026 - Number(p.birthDate.slice(0, 4));
    const insured = age >= 18 && rng.chance(0.85);
    const retired = insured && age >= 60;
    const months = insured ? rng.int(1, Math.min(480, (age - 17) * 12)) : 0;
    return {
      idNumber: p.idNumber,
      insured,
      employer: insured && !retired ? rng.pick(EMPLOYERS) : null,
      monthsContributed: months,
      lastMonth: insured
        ? `${retired ? rng.int(2005, 2025) : 2026}-${pad(rng.int(1, 10), 2)}`
        : null,
      monthlyBaseCny: insured ? rng.int(4_000, 35_000) : 0,
      pensionStatus: !insured
        ? 'none'
        : retired
          ? 'retired'
          : rng.chance(0.93)
            ? 'contributing'
            : 'suspended',
    };
  });
  return { seed, people, parcels, personTax, parcelTax, contributions };
}
