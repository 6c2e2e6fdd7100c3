/**
 * The method + path patterns the HTTP server serves, collected from Fastify's `onRoute` hook, so a request for a path
 * that exists under another method can be answered 405 with an `Allow` header instead of a plain 404.
 */
export class RouteTable {
  private readonly routes: { pattern: RegExp; methods: Set<string> }[] = [];
  private readonly byUrl = new Map<string, Set<string>>();

  add(method: string | string[], url: string): void {
    let methods = this.byUrl.get(url);
    if (!methods) {
      methods = new Set();
      this.byUrl.set(url, methods);
      this.routes.push({ pattern: patternOf(url), methods });
    }
    for (const m of Array.isArray(method) ? method : [method]) methods.add(m.toUpperCase());
  }

  /** Methods served for this concrete path (query string ignored), sorted; empty when the path is unknown. */
  allowedMethods(path: string): string[] {
    const pathname = path.split('?')[0];
    const allowed = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(pathname)) for (const m of route.methods) allowed.add(m);
    }
    return [...allowed].sort();
  }
}

/** `/api/orders/:marketplace/:id` → a RegExp matching one segment per parameter; `*` matches the rest. */
function patternOf(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}
