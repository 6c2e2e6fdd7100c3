import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { validateEventStoreDbUrl } from '../../src/event-store/eventstoredb/validate-eventstoredb-url.js';

/*
 * No Docker engine runs on these machines, so docker-compose.yml is checked as data: the services and images it
 * promises, health-gated start order, data on named volumes, the EventStoreDB cluster profile, connection strings
 * that point at the services that exist, and app environments the engine's own configuration loader accepts and the
 * README documents.
 */

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string; interval?: string; retries?: number };
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as ComposeFile;
const services = compose.services;
const service = (name: string): Service => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};
const APP_SERVICES = ['app', 'app-cluster'];
const CLUSTER_NODES = ['node1', 'node2', 'node3'];

/** Compose variable interpolation (`${X}`, `${X:-default}`, `${X-default}`, `$$`) against a given shell environment. */
function interpolate(value: string, shell: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Z0-9_]+)(?:(:?-)([^}]*))?\}/g,
    (match, name?: string, op?: string, fallback?: string) => {
      if (match === '$$') return '$';
      const set = shell[name!];
      if (op === ':-') return set === undefined || set === '' ? (fallback ?? '') : set;
      if (op === '-') return set === undefined ? (fallback ?? '') : set;
      return set ?? '';
    },
  );
}

function environmentOf(name: string, shell: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service(name).environment ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value ?? ''), shell),
    ]),
  );
}

function dependencies(name: string): Record<string, { condition?: string }> {
  const dependsOn = service(name).depends_on ?? {};
  if (Array.isArray(dependsOn)) throw new Error(`${name}: depends_on must use the long form with conditions`);
  return dependsOn;
}

/** Variable names from the first column of the README's `## Configuration` table. */
function readmeConfigurationVariables(): Set<string> {
  const readmeUrl = new URL('../../README.md', import.meta.url);
  if (!existsSync(readmeUrl))
    throw new Error('README.md does not exist; its "## Configuration" table is the reference');
  const section = readFileSync(readmeUrl, 'utf8')
    .split(/^## Configuration\s*$/m)[1]
    ?.split(/^## /m)[0];
  if (section === undefined) throw new Error('README.md has no "## Configuration" section');
  const names = new Set<string>();
  for (const line of section.split('\n')) {
    const match = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/.exec(line);
    if (match) names.add(match[1]!);
  }
  if (names.size === 0) throw new Error('README.md "## Configuration" has no table rows of the form | `NAME` | … |');
  return names;
}

describe('docker-compose.yml', () => {
  it('defines the engine, PostgreSQL, NATS and EventStoreDB, always on; the cluster only in its profile', () => {
    for (const name of ['app', 'postgres', 'nats', 'eventstoredb']) expect(service(name).profiles).toBeUndefined();
    for (const name of [...CLUSTER_NODES, 'app-cluster']) expect(service(name).profiles).toEqual(['cluster']);
  });

  it('uses the intended images', () => {
    expect(service('app').build).toBeDefined();
    expect(service('app-cluster').build).toBeDefined();
    expect(service('postgres').image).toMatch(/^postgres:16(\b|$)/);
    expect(service('nats').image).toMatch(/^nats:2(\b|[.-]|$)/);
    for (const name of ['eventstoredb', ...CLUSTER_NODES])
      expect(service(name).image).toMatch(/^eventstore\/eventstore:2[3-9]\.\d+/);
  });

  it('runs NATS with JetStream', () => {
    const command = service('nats').command;
    expect(Array.isArray(command) ? command : String(command).split(/\s+/)).toContain('-js');
  });

  it('publishes the usual ports', () => {
    const containerPorts = (name: string) => (service(name).ports ?? []).map((p) => String(p).split(':').at(-1));
    expect(service('app').ports).toContain('3000:3000');
    expect(containerPorts('postgres')).toContain('5432');
    expect(containerPorts('nats')).toContain('4222');
    expect(service('eventstoredb').ports).toContain('2113:2113');
    for (const node of CLUSTER_NODES) expect(containerPorts(node)).toContain('2113');
    // distinct host ports, so the whole file can run at once
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => String(p).split(':').at(-2)));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('gives every backing service a healthcheck and starts the engines only once their dependencies are healthy', () => {
    for (const app of APP_SERVICES) {
      const deps = dependencies(app);
      expect(Object.keys(deps).length).toBeGreaterThan(0);
      for (const [name, { condition }] of Object.entries(deps)) {
        expect(`${app} -> ${name}: ${condition}`).toBe(`${app} -> ${name}: service_healthy`);
        const test = service(name).healthcheck?.test;
        expect(test && test.length > 0).toBe(true);
      }
    }
    expect(Object.keys(dependencies('app')).sort()).toEqual(['eventstoredb', 'nats', 'postgres']);
    expect(Object.keys(dependencies('app-cluster')).sort()).toEqual([...CLUSTER_NODES, 'postgres'].sort());
    expect(String(service('postgres').healthcheck?.test)).toMatch(/pg_isready/);
    expect(String(service('eventstoredb').healthcheck?.test)).toMatch(/2113\/health/);
  });

  it('keeps data on declared named volumes', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const mounts = (name: string) => (service(name).volumes ?? []).map((v) => String(v).split(':'));
    for (const [name, s] of Object.entries(services)) {
      for (const [source] of (s.volumes ?? []).map((v) => String(v).split(':'))) {
        expect(`${name}: ${source}`).toBe(`${name}: ${declared.includes(source!) ? source : '(undeclared volume)'}`);
      }
    }
    const mountedAt = (name: string, target: string) => mounts(name).some(([, t]) => t === target);
    expect(mountedAt('postgres', '/var/lib/postgresql/data')).toBe(true);
    expect(mountedAt('eventstoredb', '/var/lib/eventstore')).toBe(true);
    expect(mountedAt('app', '/app/data')).toBe(true);
    for (const node of CLUSTER_NODES) expect(mountedAt(node, '/var/lib/eventstore')).toBe(true);
  });

  it('runs the single EventStoreDB node insecure, for development', () => {
    expect(environmentOf('eventstoredb')).toMatchObject({
      EVENTSTORE_CLUSTER_SIZE: '1',
      EVENTSTORE_INSECURE: 'true',
      EVENTSTORE_ENABLE_ATOM_PUB_OVER_HTTP: 'true',
    });
  });

  it('the cluster profile has three nodes that find each other by gossip', () => {
    const esdbNodes = Object.entries(services).filter(
      ([, s]) => s.profiles?.includes('cluster') && s.image?.startsWith('eventstore/'),
    );
    expect(esdbNodes.map(([name]) => name).sort()).toEqual(CLUSTER_NODES);
    for (const node of CLUSTER_NODES) {
      const env = environmentOf(node);
      expect(env.EVENTSTORE_CLUSTER_SIZE).toBe('3');
      expect(env.EVENTSTORE_INSECURE).toBe('true');
      expect(env.EVENTSTORE_DISCOVER_VIA_DNS).toBe('false');
      const seeds = (env.EVENTSTORE_GOSSIP_SEED ?? '').split(',').map((seed) => seed.trim());
      expect(seeds.sort()).toEqual(CLUSTER_NODES.filter((other) => other !== node).map((other) => `${other}:2113`));
    }
  });

  it('points app-cluster at all three nodes', () => {
    const env = environmentOf('app-cluster');
    expect(env.EVENT_STORE).toBe('eventstoredb');
    expect(env.EVENTSTOREDB_URL).toBe('esdb://node1:2113,node2:2113,node3:2113?tls=false');
    expect(validateEventStoreDbUrl(env.EVENTSTOREDB_URL)).toBe(env.EVENTSTOREDB_URL);
  });

  it('wires the app connection strings to the compose services and their ports', () => {
    const env = environmentOf('app');
    const postgres = environmentOf('postgres');
    const database = new URL(env.DATABASE_URL!);
    expect(`${database.protocol}//${database.host}`).toBe('postgres://postgres:5432');
    expect(decodeURIComponent(database.username)).toBe(postgres.POSTGRES_USER);
    expect(decodeURIComponent(database.password)).toBe(postgres.POSTGRES_PASSWORD);
    expect(database.pathname).toBe(`/${postgres.POSTGRES_DB}`);
    expect(env.EVENTSTOREDB_URL).toBe('esdb://eventstoredb:2113?tls=false');
    expect(validateEventStoreDbUrl(env.EVENTSTOREDB_URL)).toBe(env.EVENTSTOREDB_URL);
    const nats = new URL(env.NATS_URL!);
    expect(`${nats.protocol}//${nats.host}`).toBe('nats://nats:4222');
    expect(environmentOf('app-cluster').DATABASE_URL).toBe(env.DATABASE_URL);
  });

  it('gives the engines environments their configuration loader accepts, for each event store', () => {
    const cases: Array<[string, Record<string, string>, string]> = [
      ['app', {}, 'postgres'],
      ['app', { EVENT_STORE: 'eventstoredb' }, 'eventstoredb'],
      ['app', { EVENT_STORE: 'sqlite' }, 'sqlite'],
      ['app-cluster', {}, 'eventstoredb'],
    ];
    for (const [name, shell, store] of cases) {
      const config = loadConfig(environmentOf(name, shell));
      expect(`${name}: ${config.EVENT_STORE}/${config.READ_MODEL_STORE}`).toBe(`${name}: ${store}/postgres`);
    }
    // read models of different event stores never share a schema (their checkpoints are positions of one store)
    const schemas = cases.map(([name, shell]) => loadConfig(environmentOf(name, shell)).DATABASE_SCHEMA);
    expect(new Set(schemas).size).toBe(schemas.length);
  });

  it('takes Lengow credentials and API keys from the shell, never from the file', () => {
    for (const app of APP_SERVICES) {
      const raw = service(app).environment ?? {};
      for (const secret of ['LENGOW_ACCESS_TOKEN', 'LENGOW_SECRET', 'API_KEYS']) {
        expect(`${app}.${secret}=${String(raw[secret] ?? '')}`).toMatch(new RegExp(`=(\\$\\{${secret}(:?-)?\\}|)$`));
      }
      expect(environmentOf(app).LENGOW_ACCESS_TOKEN).toBe('');
      expect(environmentOf(app, { LENGOW_ACCESS_TOKEN: 'from-shell' }).LENGOW_ACCESS_TOKEN).toBe('from-shell');
    }
  });

  it('sets only variables the README configuration table documents', () => {
    const documented = readmeConfigurationVariables();
    for (const app of APP_SERVICES) {
      const undocumented = Object.keys(service(app).environment ?? {}).filter((name) => !documented.has(name));
      expect(`${app}: ${undocumented.join(', ') || 'all documented'}`).toBe(`${app}: all documented`);
    }
  });
});
