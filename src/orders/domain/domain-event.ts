/**
 * Shape of every order event: a discriminant, the version of `data`'s shape, and plain JSON data. `schemaVersion`
 * travels with the event so `upcast` can bring older shapes up to date before `evolve` sees them.
 */
export interface DomainEvent<Type extends string, Data> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
}
