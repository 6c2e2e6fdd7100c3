import 'reflect-metadata';
import { TransformationType, type TransformFnParams, type TypeMetadata } from 'class-transformer';
import { defaultOptions } from 'class-transformer/cjs/constants/default-options.constant.js';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';
import {
  getMetadataStorage,
  ValidationTypes,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

/**
 * A fast way to read a plain JSON value into a DTO that `plainToInstance` + `validateSync(dto, {forbidUnknownValues:
 * false})` would accept, with the same result. The libraries look their metadata up again for every property of every
 * object (class-validator walks every registered class to find a DTO's ancestors); here it is read once per class
 * from their own storages and kept as a plan. The decorators stay the only description of the rules: every transform
 * and every constraint that runs here is the decorator's own function, called with the arguments the libraries give.
 *
 * The reader only answers "this is the DTO, and it is valid". Anything else comes back as `undefined`: an invalid
 * value (the libraries then say why), and anything it does not model exactly, e.g. a decorator option it does not
 * know, a key such as `__proto__` or `constructor`, a value JSON cannot carry (a Date, a function, `undefined` inside
 * a list), an object of another realm, an async or promise-returning validator. The caller then runs the libraries.
 *
 * What it relies on, true of the order DTOs: transforms, type functions and validators are pure (the reader calls
 * them in its own order, stops at the first failure, and validates a nested object once per value), and none reads
 * the keys a DTO does not declare (the reader does not copy those onto the instance, class-transformer does).
 */
export function readValidDto<T extends object>(type: abstract new () => T, raw: object): T | undefined {
  const plan = planFor(type);
  if (plan === null) return undefined;
  const dto = plan.read(raw);
  if (dto === UNSURE || plan.validate(dto) !== true) return undefined;
  return dto as T;
}

/** Whether the reader models the class at all (else every read of it falls back). */
export function isModelled(type: abstract new () => object): boolean {
  return planFor(type) !== null;
}

/** "Not sure": the caller must ask the libraries. */
const UNSURE: unique symbol = Symbol('unsure');
type Unsure = typeof UNSURE;

/** Deeper untyped JSON than this is left to the libraries, whose recursion is deeper per level than ours. */
const MAX_UNTYPED_DEPTH = 64;

type Record_ = Record<string, unknown>;
type DtoClass = new () => object;

interface PropertyPlan {
  key: string;
  /** Exposed properties are converted even when the key is absent; the others only when it is present. */
  exposed: boolean;
  type: TypeMetadata | undefined;
  /** Whether class-transformer would build a plain array for a list value of this property. */
  listsAsArrays: boolean;
  transforms: ((params: TransformFnParams) => unknown)[];
}

interface ConstraintPlan {
  metadata: {
    propertyName: string;
    constraints: unknown[];
    each: boolean;
    validateIf?: (o: unknown, v: unknown) => boolean;
  };
  validators: ValidatorConstraintInterface[];
}

interface CheckPlan {
  key: string;
  conditions: ((object: unknown, value: unknown) => boolean)[];
  defined: ConstraintPlan[];
  custom: ConstraintPlan[];
  nested: boolean;
}

interface ClassPlan {
  type: DtoClass;
  targetName: string;
  properties: PropertyPlan[];
  known: Set<string>;
  /** Raw keys the class has no metadata for, remembered (boundedly) once looked up. */
  undecorated: Map<string, boolean>;
  checks: CheckPlan[];
  read: (raw: object) => object | Unsure;
  validate: (object: object) => boolean | Unsure;
}

const plans = new Map<unknown, ClassPlan | null>();
/** What a plainToInstance call without options hands every transform function. */
const TRANSFORM_OPTIONS = { ...defaultOptions };
const PLAIN_TO_CLASS = TransformationType.PLAIN_TO_CLASS;
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

function planFor(type: unknown): ClassPlan | null {
  let plan = plans.get(type);
  if (plan === undefined) {
    try {
      plan = compile(type);
    } catch {
      plan = null;
    }
    plans.set(type, plan);
  }
  return plan;
}

/**
 * A DTO class is one whose prototypes carry nothing but their constructors: class-transformer then assigns every key
 * it converts, and no method, accessor or built-in behaviour (String, Date, Map…) gets in the way.
 */
function isDtoClass(type: unknown): type is DtoClass {
  if (typeof type !== 'function' || type === Object || type === Function) return false;
  let prototype: unknown = type.prototype;
  while (prototype !== Object.prototype) {
    if (prototype === null || typeof prototype !== 'object') return false;
    const keys = Reflect.ownKeys(prototype);
    if (keys.length !== 1 || keys[0] !== 'constructor') return false;
    prototype = Object.getPrototypeOf(prototype);
  }
  return true;
}

function compile(type: unknown): ClassPlan | null {
  if (!isDtoClass(type)) return null;
  const transformer = defaultMetadataStorage;
  const strategy = transformer.getStrategy(type);
  if (strategy !== 'none' && strategy !== 'exposeAll') return null;
  if (transformer.getExcludedMetadatas(type).length > 0) return null;
  for (const expose of transformer.getExposedMetadatas(type)) {
    const options = expose.options ?? {};
    // Renamed, grouped or versioned keys change which raw key feeds which property.
    if (
      options.name !== undefined ||
      options.groups?.length ||
      options.since !== undefined ||
      options.until !== undefined
    )
      return null;
  }
  const exposed = new Set(transformer.getExposedProperties(type, PLAIN_TO_CLASS));

  const validator = getMetadataStorage();
  // The target schema only matters for schema-registered rules, which are keyed by name and never found this way.
  const rules = validator.getTargetValidationMetadatas(type, '', false, false);
  const grouped = validator.groupByPropertyName(rules);

  const keys = new Set([...exposed, ...Object.keys(grouped)]);
  const properties: PropertyPlan[] = [];
  for (const key of keys) {
    if (key in Object.prototype) return null;
    const typeMetadata = transformer.findTypeMetadata(type, key);
    if (typeMetadata && (typeMetadata.options?.discriminator || typeMetadata.reflectedType === Map)) return null;
    const reflected: unknown = typeMetadata?.reflectedType;
    properties.push({
      key,
      exposed: exposed.has(key),
      type: typeMetadata,
      // class-transformer instantiates the reflected type to hold a list, and keeps it only if it is a Set or has push.
      listsAsArrays: reflected === undefined || reflected === Array || reflected === Object || isDtoClass(reflected),
      transforms: transformer
        .findTransformMetadatas(type, key, PLAIN_TO_CLASS)
        .filter((metadata) => !metadata.options?.groups?.length)
        .map((metadata) => metadata.transformFn),
    });
  }

  const checks: CheckPlan[] = [];
  for (const [key, metadatas] of Object.entries(grouped)) {
    const others = metadatas.filter(
      (metadata) => metadata.type !== ValidationTypes.IS_DEFINED && metadata.type !== ValidationTypes.WHITELIST,
    );
    const supported = [
      ValidationTypes.CUSTOM_VALIDATION,
      ValidationTypes.NESTED_VALIDATION,
      ValidationTypes.CONDITIONAL_VALIDATION,
    ];
    if (others.some((metadata) => !supported.includes(metadata.type))) return null;
    const constraints = (kind: string): ConstraintPlan[] =>
      metadatas
        .filter((metadata) => metadata.type === kind)
        .map((metadata) => ({
          metadata,
          // validateSync skips async constraints; the instance is the container's singleton the executor would get.
          validators: validator
            .getTargetValidatorConstraints(metadata.constraintCls)
            .filter((constraint) => !constraint.async)
            .map((constraint) => constraint.instance),
        }));
    checks.push({
      key,
      conditions: others
        .filter((metadata) => metadata.type === ValidationTypes.CONDITIONAL_VALIDATION)
        .map((metadata) => metadata.constraints[0] as (object: unknown, value: unknown) => boolean),
      defined: constraints(ValidationTypes.IS_DEFINED),
      custom: constraints(ValidationTypes.CUSTOM_VALIDATION),
      nested: others.some((metadata) => metadata.type === ValidationTypes.NESTED_VALIDATION),
    });
  }

  const plan: ClassPlan = {
    type,
    targetName: type.name,
    properties,
    known: keys,
    undecorated: new Map(),
    checks,
    read: () => UNSURE,
    validate: () => UNSURE,
  };
  plan.read = generateRead(plan);
  plan.validate = generateValidate(plan);
  return plan;
}

/** What JSON.parse makes in this realm; class-transformer treats anything else differently (or may). */
function isPlainObject(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype;
}

// ---- plainToInstance, as class-transformer runs it on JSON ----

/**
 * The libraries' loops, unrolled per class: one function per class whose property reads and writes name their key, so
 * the engine sees one object shape per site instead of every DTO's shapes at one generic site (≈1.7× faster than
 * walking the plan in a loop). Only names (keys, the class name) enter the generated source, as JSON string literals;
 * every function and value it uses is passed in as an argument. Where generating code is disallowed
 * (`--disallow-code-generation-from-strings`), compiling fails and every read falls back to the libraries.
 */
class Emitter {
  readonly lines: string[] = [];
  private readonly values: unknown[] = [];

  /** The name under which the generated code sees `value`. */
  ref(value: unknown): string {
    let index = this.values.indexOf(value);
    if (index < 0) index = this.values.push(value) - 1;
    return `$${index}`;
  }

  build<F>(parameters: string): F {
    const names = this.values.map((_, index) => `$${index}`);
    const factory = new Function(
      ...names,
      `'use strict'; return function (${parameters}) {\n${this.lines.join('\n')}\n};`,
    );
    return factory(...this.values) as F;
  }
}

function generateRead(plan: ClassPlan): (raw: object) => object | Unsure {
  const code = new Emitter();
  const UNSURE_ = code.ref(UNSURE);
  code.lines.push(
    `if (${code.ref(Object.getPrototypeOf)}(record) !== ${code.ref(Object.prototype)}) return ${UNSURE_};`,
    `const keys = ${code.ref(Object.keys)}(record);`,
    'for (let index = 0; index < keys.length; index++) {',
    '  const key = keys[index];',
    // class-transformer skips keys naming prototype members on a DTO, and copies every other one.
    `  if (${code.ref(plan.known)}.has(key) || key in ${code.ref(Object.prototype)}) continue;`,
    `  if (!${code.ref(isUndecorated)}(${code.ref(plan)}, key) || ${code.ref(untyped)}(record[key], 0, false) === ${UNSURE_}) return ${UNSURE_};`,
    '}',
    `const instance = new ${code.ref(plan.type)}();`,
    'let value;',
  );
  for (const property of plan.properties) {
    const key = JSON.stringify(property.key);
    if (!property.exposed) code.lines.push(`if (${code.ref(propertyIsEnumerable)}.call(record, ${key})) {`);
    code.lines.push(`value = record[${key}];`);
    if (property.type) {
      const metadata = code.ref(property.type);
      // @Type always sets typeFunction; class-transformer still falls back to the reflected type without one.
      const type =
        typeof property.type.typeFunction === 'function'
          ? `${metadata}.typeFunction({ newObject: instance, object: record, property: ${key} })`
          : `${metadata}.reflectedType`;
      code.lines.push(`value = ${code.ref(typed)}(value, ${type}, ${property.listsAsArrays});`);
    } else {
      code.lines.push(
        `if (!(value === undefined || ${code.ref(isScalar)}(value))) value = ${code.ref(untyped)}(value, 0, true);`,
      );
    }
    code.lines.push(`if (value === ${UNSURE_}) return ${UNSURE_};`);
    for (const transform of property.transforms) {
      code.lines.push(
        `value = ${code.ref(transform)}({ value, key: ${key}, obj: record, type: ${PLAIN_TO_CLASS}, options: ${code.ref(TRANSFORM_OPTIONS)} });`,
      );
    }
    code.lines.push(`instance[${key}] = value;`);
    if (!property.exposed) code.lines.push('}');
  }
  code.lines.push('return instance;');
  return code.build('record');
}

/** A raw key the class has no type or transform for: class-transformer only copies it. */
function isUndecorated(plan: ClassPlan, key: string): boolean {
  let answer = plan.undecorated.get(key);
  if (answer === undefined) {
    answer =
      !defaultMetadataStorage.findTypeMetadata(plan.type, key) &&
      defaultMetadataStorage.findTransformMetadatas(plan.type, key, PLAIN_TO_CLASS).length === 0;
    // Keys come from the input; remembering all of them would let odd payloads grow the cache without bound.
    if (plan.undecorated.size < 1000) plan.undecorated.set(key, answer);
  }
  return answer;
}

function isScalar(value: unknown): value is null | string | number | boolean {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** A value whose property has a `@Type`: objects become instances of it, lists are mapped, scalars stay. */
function typed(value: unknown, type: unknown, listsAsArrays: boolean): unknown {
  if (type === undefined) return untyped(value, 0, true);
  // String, Number, Date… convert scalars; only DTO classes leave them as they are.
  const plan = planFor(type);
  if (plan === null) return UNSURE;
  if (value === undefined || isScalar(value)) return value;
  if (typeof value !== 'object') return UNSURE;
  if (Array.isArray(value)) {
    if (!listsAsArrays || Object.getPrototypeOf(value) !== Array.prototype) return UNSURE;
    const list: unknown[] = [];
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      // Holes are skipped by forEach; nested lists are legal but not worth modelling.
      if (item === undefined || Array.isArray(item)) return UNSURE;
      const converted = isScalar(item) ? item : typeof item === 'object' ? plan.read(item as object) : UNSURE;
      if (converted === UNSURE) return UNSURE;
      list.push(converted);
    }
    return list;
  }
  return plan.read(value);
}

/**
 * A value with no `@Type`: class-transformer copies it (`copy`), or, for keys no property reads, only must be able to
 * (the copy is dropped). Keys it would treat specially (`constructor` makes it throw) are left to it.
 */
function untyped(value: unknown, depth: number, copy: boolean): unknown {
  if (value === undefined || isScalar(value)) return value;
  if (typeof value !== 'object' || depth > MAX_UNTYPED_DEPTH) return UNSURE;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return UNSURE;
    const list: unknown[] | undefined = copy ? [] : undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (item === undefined) return UNSURE;
      const converted = untyped(item, depth + 1, copy);
      if (converted === UNSURE) return UNSURE;
      list?.push(converted);
    }
    return copy ? list : value;
  }
  if (!isPlainObject(value)) return UNSURE;
  const record = value as Record_;
  const result: Record_ | undefined = copy ? {} : undefined;
  for (const key of Object.keys(record)) {
    if (key in Object.prototype) return UNSURE;
    const converted = untyped(record[key], depth + 1, copy);
    if (converted === UNSURE) return UNSURE;
    if (result) result[key] = converted;
  }
  return copy ? result : value;
}

// ---- validateSync, as class-validator runs it; true only when it would report nothing ----

function generateValidate(plan: ClassPlan): (object: object) => boolean | Unsure {
  const code = new Emitter();
  const UNSURE_ = code.ref(UNSURE);
  code.lines.push('let value, applies, result;');
  for (const check of plan.checks) {
    const key = JSON.stringify(check.key);
    code.lines.push(`value = object[${key}];`, 'applies = true;');
    // class-validator calls every condition of a property, then skips its other rules if one said no.
    for (const condition of check.conditions)
      code.lines.push(`if (!${code.ref(condition)}(object, value)) applies = false;`);
    code.lines.push('if (applies) {');
    for (const { metadata, validators } of [...check.defined, ...check.custom]) {
      if (metadata.validateIf) code.lines.push(`if (${code.ref(metadata.validateIf)}(object, value)) {`);
      for (const validator of validators) {
        const args =
          `{ targetName: ${JSON.stringify(plan.targetName)}, property: ${JSON.stringify(metadata.propertyName)}, ` +
          `object, value, constraints: ${code.ref(metadata.constraints)} }`;
        if (metadata.each) {
          code.lines.push(`result = ${code.ref(satisfiesEach)}(${code.ref(validator)}, value, ${args});`);
        } else {
          code.lines.push(`result = ${code.ref(validator)}.validate(value, ${args});`);
          // validateSync would not wait for a promise: that case is left to the library.
          code.lines.push(`if (${code.ref(isPromiseLike)}(result)) return ${UNSURE_};`);
        }
        if (metadata.each) code.lines.push(`if (result === ${UNSURE_}) return result;`);
        code.lines.push('if (!result) return false;');
      }
      if (metadata.validateIf) code.lines.push('}');
    }
    if (check.nested) {
      code.lines.push(
        'if (value !== undefined) {',
        `  result = ${code.ref(validateNested)}(value);`,
        '  if (result !== true) return result;',
        '}',
      );
    }
    code.lines.push('}');
  }
  code.lines.push('return true;');
  return code.build('object');
}

function isPromiseLike(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** A rule with `each`: every item of a list, or the value itself when it is not one. */
function satisfiesEach(validator: ValidatorConstraintInterface, value: unknown, args: ValidationArguments): unknown {
  if (value instanceof Set || value instanceof Map) return UNSURE;
  if (!Array.isArray(value)) {
    const result: unknown = validator.validate(value, args);
    return isPromiseLike(result) ? UNSURE : result;
  }
  const results: unknown[] = value.map((item) => validator.validate(item, args));
  if (results.some(isPromiseLike)) return UNSURE;
  return results.every((result) => result);
}

/** ValidateNested: lists item by item (holes and undefined items pass), objects by their own class's rules. */
function validateNested(value: unknown): boolean | Unsure {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (item === undefined) continue;
      const nested = validateNested(item);
      if (nested !== true) return nested;
    }
    return true;
  }
  if (value instanceof Set || value instanceof Map) return UNSURE;
  if (value instanceof Object) {
    const plan = planFor((value as { constructor?: unknown }).constructor);
    return plan === null ? UNSURE : plan.validate(value);
  }
  return false;
}
