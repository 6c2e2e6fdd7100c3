import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inspect, isDeepStrictEqual } from 'node:util';
import { importCaseAt, type ImportCase } from '../../sandbox/import-cases.js';
import { generateOrder } from '../../sandbox/order-generator.js';
import { AddressDto } from './address.dto.js';
import { CartLineDto, MerchantProductIdDto } from './cart-line.dto.js';
import { isModelled } from './compiled-dto-reader.js';
import { CurrencyDto } from './currency.dto.js';
import { DeliveryDto } from './delivery.dto.js';
import { OrderTypeDto } from './order-type.dto.js';
import { OrderDto } from './order.dto.js';
import { PackageDto } from './package.dto.js';
import { parseOrder, parseOrderFast, parseOrderReference } from './parse-order.js';
import { PaymentDto, PaymentTermsDto } from './payment.dto.js';
import { RelayDto, TrackingDto } from './tracking.dto.js';

/**
 * The compiled reader must never disagree with the reference (class-transformer + class-validator): on every input it
 * either declines (undefined) or gives exactly the reference's result. Each suite also checks that it does not decline
 * what it should read, so the equivalence is not won by never answering.
 */

const SAMPLES_DIR =
  process.env.LENGOW_SAMPLES_DIR ?? fileURLToPath(new URL('../../../../shared/lengow-samples/', import.meta.url));
const samplesAvailable = existsSync(SAMPLES_DIR);
if (!samplesAvailable)
  console.warn(`SKIPPED Lengow sample equivalence: ${SAMPLES_DIR} is absent (set LENGOW_SAMPLES_DIR)`);

const ANCHOR = Date.parse('2025-03-10T12:00:00Z');
const generated = (seed: number, index: number): Record<string, unknown> =>
  JSON.parse(JSON.stringify(generateOrder(seed, index, ANCHOR - index * 60_000, { accountId: 4242 })));

/**
 * Compares both readings of what `make` builds (a fresh copy each time: neither reading may see what the other did to
 * its input). With `countReference`, the reference also reads what the fast path declined, to count its successes.
 */
class Comparison {
  readonly mismatches: string[] = [];
  answered = 0;
  referenceOk = 0;
  cases = 0;

  constructor(private readonly countReference: boolean) {}

  check(label: string, make: () => unknown): void {
    this.cases += 1;
    const raw = make();
    const fast = parseOrderFast(raw);
    if (fast === undefined && !this.countReference) return;
    const reference = parseOrderReference(make());
    if (reference.ok) this.referenceOk += 1;
    if (fast === undefined) return;
    this.answered += 1;
    if (fast.raw !== raw) this.mismatches.push(`${label}: the fast result does not carry the raw input itself`);
    if (!isDeepStrictEqual({ ...fast, raw: undefined }, { ...reference, raw: undefined }))
      this.mismatches.push(`${label}: fast ${show(fast)} ≠ reference ${show(reference)}`);
  }
}

/** A copy made in this realm: the reader only reads objects whose prototype is this realm's Object.prototype. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function show(value: unknown): string {
  return inspect(value, { depth: 6, breakLength: Infinity }).slice(0, 600);
}

type Path = (string | number)[];

/** Every node's path; of a list, only the first item is walked unless `everyItem` (the others repeat its shape). */
function pathsOf(value: unknown, everyItem = false, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) {
    const items = everyItem ? value.length : Math.min(1, value.length);
    for (let index = 0; index < items; index++) pathsOf(value[index], everyItem, [...path, index], out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) pathsOf(child, everyItem, [...path, key], out);
  }
  return out;
}

type Holder = Record<string | number, unknown>;

type Change = (holder: Holder, key: string | number) => void;

/** Applies `change`, in place, to the node at `path` of `root`; the root itself is reached through a holder. */
function applyAt(root: unknown, path: Path, change: Change): unknown {
  const holder: Holder = { root };
  let parent = holder;
  let key: string | number = 'root';
  for (const step of path) {
    parent = parent[key] as Holder;
    key = step;
  }
  change(parent, key);
  return holder.root;
}

/** Values put in place of a node: wrong types, edge strings, numbers and dates, and a few things JSON cannot carry. */
const REPLACEMENTS: [string, () => unknown][] = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['""', () => ''],
  ['"  "', () => '  '],
  ['"abc"', () => 'abc'],
  ['"12"', () => '12'],
  ['" 7 "', () => ' 7 '],
  ['"-1"', () => '-1'],
  ['"12.30"', () => '12.30'],
  ['"1,5"', () => '1,5'],
  ['"NaN"', () => 'NaN'],
  ['"true"', () => 'true'],
  ['"0"', () => '0'],
  ['0', () => 0],
  ['-1', () => -1],
  ['1.5', () => 1.5],
  ['42', () => 42],
  ['NaN', () => NaN],
  ['Infinity', () => Infinity],
  ['true', () => true],
  ['false', () => false],
  ['{}', () => ({})],
  ['[]', () => []],
  ['[null]', () => [null]],
  ['[{}]', () => [{}]],
  ['["x"]', () => ['x']],
  ['[[]]', () => [[]]],
  ['{id: {}}', () => ({ id: {} })],
  ['{type: "is_prime"}', () => ({ type: 'is_prime' })],
  ['"2024-01-01"', () => '2024-01-01'],
  ['"2024-05-01 10:00:00+0200"', () => '2024-05-01 10:00:00+0200'],
  ['"2015-11-17T10:02:49"', () => '2015-11-17T10:02:49'],
  ['"yesterday"', () => 'yesterday'],
  ['"2024-13-45T00:00:00Z"', () => '2024-13-45T00:00:00Z'],
  ['{constructor: 1}', () => ({ constructor: 1 })],
  ['JSON {"__proto__": {}}', () => JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')],
  ['a Date', () => new Date(0)],
  ['a Map', () => new Map([['a', 1]])],
  ['a function', () => () => 1],
  ['a class instance', () => new (class Odd {})()],
  [
    '[1, <hole>, 2]',
    () => {
      const list = [1, 0, 2];
      delete list[1];
      return list;
    },
  ],
  ['a bigint', () => 10n],
];

/** Changes to a node: removing it, replacing it, and growing or emptying it when it is an object or a list. */
function mutationsOf(value: unknown): [string, Change][] {
  const mutations: [string, Change][] = [
    ['delete', (holder, key) => (Array.isArray(holder) ? holder.splice(Number(key), 1) : delete holder[key])],
    ...REPLACEMENTS.map(([name, make]): [string, Change] => [`= ${name}`, (holder, key) => (holder[key] = make())]),
  ];
  if (Array.isArray(value)) {
    mutations.push(
      ['emptied', (holder, key) => ((holder[key] as unknown[]).length = 0)],
      ['+ null item', (holder, key) => (holder[key] as unknown[]).push(null)],
      ['+ "x" item', (holder, key) => (holder[key] as unknown[]).push('x')],
      ['+ first item again', (holder, key) => (holder[key] as unknown[]).push((holder[key] as unknown[])[0])],
    );
  } else if (value !== null && typeof value === 'object') {
    // Defined rather than assigned, so that `__proto__` becomes an own key as JSON.parse makes it.
    const add = (name: string, extra: () => unknown): [string, Change] => [
      `+ key ${name}`,
      (holder, key) => Object.defineProperty(holder[key], name, { value: extra(), enumerable: true, writable: true }),
    ];
    mutations.push(
      add('some_future_field', () => ({ nested: [1, { deep: null }], flag: true })),
      add('toString', () => 'x'),
      add('constructor', () => ({ a: 1 })),
      add('__proto__', () => ({ polluted: true })),
      add('future_list', () => [{ constructor: 'x' }]),
      add('odd_value', () => new Date(0)),
    );
  }
  return mutations;
}

function expectAgreement(comparison: Comparison): void {
  expect(comparison.mismatches.slice(0, 10)).toEqual([]);
  expect(comparison.mismatches).toHaveLength(0);
}

describe('compiled order reader', () => {
  it('models every order DTO class', () => {
    for (const type of [
      OrderDto,
      CurrencyDto,
      OrderTypeDto,
      PaymentDto,
      PaymentTermsDto,
      AddressDto,
      PackageDto,
      DeliveryDto,
      TrackingDto,
      RelayDto,
      CartLineDto,
      MerchantProductIdDto,
    ]) {
      expect([type.name, isModelled(type)]).toEqual([type.name, true]);
    }
  });

  (samplesAvailable ? it : it.skip)('agrees with the reference on every object and list of every shared sample', () => {
    const comparison = new Comparison(true);
    const files = readdirSync(SAMPLES_DIR).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const document: unknown = JSON.parse(readFileSync(`${SAMPLES_DIR}/${file}`, 'utf8'));
      // Whole pages, single orders, fragments and everything inside them: every node is a candidate order.
      const walk = (value: unknown, path: string) => {
        if (value === null || typeof value !== 'object') return;
        comparison.check(`${file} ${path}`, () => copy(value));
        for (const [key, child] of Object.entries(value)) walk(child, `${path}/${key}`);
      };
      walk(document, '');
    }
    expectAgreement(comparison);
    expect(comparison.referenceOk).toBeGreaterThan(20);
    expect(comparison.answered).toBe(comparison.referenceOk);
  });

  it('agrees with the reference on thousands of emulator orders, and reads every valid one itself', () => {
    const comparison = new Comparison(true);
    for (const seed of [1, 42, 2024]) {
      for (let index = 0; index < 600; index++) {
        const raw = generated(seed, index);
        comparison.check(`seed ${seed} #${index}`, () => copy(raw));
      }
    }
    // As built, before any JSON round trip (undefined members, shared references).
    for (let index = 0; index < 200; index++) {
      comparison.check(`unserialised #${index}`, () => generateOrder(7, index, ANCHOR, { accountId: 1 }));
    }
    expectAgreement(comparison);
    expect(comparison.referenceOk).toBeGreaterThan(1500);
    expect(comparison.answered).toBe(comparison.referenceOk);
  });

  it('agrees with the reference on every single-field mutation of valid orders', () => {
    /** The first order of a case: together the bases carry trackings, relays, payment terms and order types. */
    function firstOfCase(seed: number, wanted: ImportCase): unknown {
      for (let index = 0; index < 5000; index++)
        if (importCaseAt(seed, index) === wanted) return generated(seed, index);
      throw new Error(`no ${wanted} order in the first 5000 of seed ${seed}`);
    }
    const bases = [firstOfCase(11, 'status_shipped'), firstOfCase(13, 'shipped_by_marketplace')];
    if (samplesAvailable) {
      const page = readFileSync(`${SAMPLES_DIR}/lengow-plugin-woocommerce-mock-order-sample.json`, 'utf8');
      bases.push((JSON.parse(page) as { results: unknown[] }).results[0]);
    }
    const comparison = new Comparison(false);
    // A field met again in a later base (same path, list positions aside) has had every mutation already.
    const mutatedFields = new Set<string>();
    for (const base of bases) {
      expect(parseOrderFast(copy(base))).toBeDefined();
      for (const path of pathsOf(base)) {
        const field = path.map((step) => (typeof step === 'number' ? '[]' : step)).join('.');
        if (mutatedFields.has(field)) continue;
        mutatedFields.add(field);
        let node: unknown = base;
        for (const step of path) node = (node as Holder)[step];
        for (const [name, change] of mutationsOf(node)) {
          comparison.check(`${field || '(root)'} ${name}`, () => applyAt(copy(base), path, change));
        }
      }
    }
    expectAgreement(comparison);
    expect(mutatedFields.size).toBeGreaterThan(150);
    // Many mutations leave the order valid (an optional field nulled, a number for a text, an unknown key added):
    // the fast path reads those itself.
    expect(comparison.answered).toBeGreaterThan(comparison.cases * 0.3);
  });

  it('agrees with the reference on random combinations of mutations (seeded)', () => {
    let seed = 99;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const comparison = new Comparison(false);
    for (let round = 0; round < 300; round++) {
      // The changes are chosen on one copy and replayed on fresh ones: some values put in place cannot be cloned.
      const steps: [Path, Change][] = [];
      let raw: unknown = generated(5, round);
      for (let change = 0; change < 1 + Math.floor(random() * 4); change++) {
        const paths = pathsOf(raw, true).filter((path) => path.length > 0);
        if (paths.length === 0) break;
        const path = paths[Math.floor(random() * paths.length)]!;
        let node: unknown = raw;
        for (const step of path) node = (node as Holder)[step];
        const mutations = mutationsOf(node);
        const chosen = mutations[Math.floor(random() * mutations.length)]![1];
        raw = applyAt(raw, path, chosen);
        steps.push([path, chosen]);
      }
      comparison.check(`round ${round}`, () =>
        steps.reduce((order, [path, change]) => applyAt(order, path, change), generated(5, round) as unknown),
      );
    }
    expectAgreement(comparison);
    expect(comparison.answered).toBeGreaterThan(50);
  });

  it('leaves the input untouched and returns it as the raw order', () => {
    const raw = generated(3, 1);
    const before = JSON.stringify(raw);
    const parsed = parseOrder(raw);
    expect(parsed.ok).toBe(true);
    expect(parsed.raw).toBe(raw);
    expect(JSON.stringify(raw)).toBe(before);
  });

  it('declines, rather than answers, whatever it does not read exactly', () => {
    const raw = generated(3, 1);
    expect(parseOrderFast({ ...raw, packages: [] })).toBeUndefined(); // invalid: the reference words the reason
    // class-transformer fails on a copied object with its own `constructor` key; the reference reports that.
    expect(parseOrderFast({ ...raw, future_field: { constructor: 1 } })).toBeUndefined();
    expect(parseOrderFast({ ...raw, meta: { when: new Date(0) } })).toBeUndefined();
    expect(parseOrderFast(Object.assign(Object.create({ inherited: true }) as object, raw))).toBeUndefined();
    for (const notAnOrder of [null, undefined, 'order', 42, [raw]]) expect(parseOrderFast(notAnOrder)).toBeUndefined();
    // …and parseOrder still answers all of them, through the reference.
    expect(parseOrder({ ...raw, packages: [] })).toMatchObject({ ok: false, reason: 'packages is empty' });
  });
});
