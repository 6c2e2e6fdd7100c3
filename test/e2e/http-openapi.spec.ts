import { useHttpEngine } from '../../src/http/testing/http-engine-fixture.js';
import { commandEntries } from '../../src/interfaces/command-catalogue.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        requestBody?: unknown;
        security?: unknown[];
        parameters?: { name: string; in: string; schema?: unknown }[];
        responses?: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }>;
      }
    >
  >;
  components: {
    schemas: Record<string, { properties?: Record<string, { description?: string }> }>;
    securitySchemes: object;
  };
}

describe('HTTP API: OpenAPI document and Swagger UI', () => {
  const engine = useHttpEngine();
  let document: OpenApiDocument;

  beforeAll(async () => {
    const response = await fetch(`${engine().url}/api/docs-json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as OpenApiDocument;
  });

  it('lists the API endpoints with their methods', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths['/api/settings'])).toEqual(['get']);
    expect(Object.keys(document.paths['/api/settings/import'])).toEqual(['patch']);
    expect(document.paths['/api/settings/carrier-mappings'].put).toBeDefined();
    expect(document.paths['/api/orders/events'].get).toBeDefined();
    expect(document.paths['/metrics']).toBeUndefined();
  });

  it('documents the overview filters of the list and the counters, with the values each takes', () => {
    for (const path of ['/api/orders', '/api/orders/counters']) {
      const parameters = document.paths[path].get.parameters ?? [];
      expect({ path, parameters }).toEqual({
        path,
        parameters: expect.arrayContaining([
          expect.objectContaining({
            name: 'stockFailureCode',
            in: 'query',
            schema: { type: 'array', items: { type: 'string', enum: ['STOCK_SHORTFALL', 'PRODUCT_NOT_IN_SHOP'] } },
          }),
        ]),
      });
    }
  });

  it('documents the counters’ count of orders whose stock was not decremented, null during an upgrade rebuild', () => {
    const answer = document.paths['/api/orders/counters'].get.responses?.['200']?.content?.['application/json'];
    expect(answer?.schema?.properties?.stockFailed).toEqual({
      type: 'integer',
      nullable: true,
      description: expect.stringMatching(/stock was not decremented .*stockState=failed.*Null while/s),
    });
  });

  it('documents the counters’ split of those orders by failure code and by marketplace, null the same way', () => {
    const answer = document.paths['/api/orders/counters'].get.responses?.['200']?.content?.['application/json'];
    const properties = answer?.schema?.properties as Record<string, Record<string, unknown>> | undefined;
    expect(properties?.stockFailedByCode).toMatchObject({
      type: 'object',
      nullable: true,
      properties: { STOCK_SHORTFALL: { type: 'integer' }, PRODUCT_NOT_IN_SHOP: { type: 'integer' } },
      required: ['STOCK_SHORTFALL', 'PRODUCT_NOT_IN_SHOP'],
      description: expect.stringMatching(/failure code.*sum to stockFailed.*Null while/s),
    });
    expect(properties?.marketplaces).toMatchObject({
      type: 'array',
      items: {
        properties: {
          marketplace: { type: 'string' },
          label: { type: 'string' },
          total: { type: 'integer' },
          stockFailed: { type: 'integer', nullable: true, description: expect.stringMatching(/Null when stockFailed/) },
        },
      },
    });
  });

  it('has one operation per HTTP-exposed catalogue command, named after it, secured by the API key', () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    const ids = new Set(operations.map((operation) => operation.operationId));
    for (const entry of commandEntries()) expect(ids).toContain(entry.name);
    const patch = document.paths['/api/settings/import'].patch;
    expect(patch.security).toEqual([{ 'api-key': [] }]);
    expect(document.components.securitySchemes).toMatchObject({
      'api-key': { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
  });

  it('documents the payload DTOs field by field, and the problem details', () => {
    const payload = document.components.schemas.ChangeImportSettingsPayload;
    expect(Object.keys(payload.properties ?? {})).toEqual(
      expect.arrayContaining(['importableStatuses', 'importWindowDays', 'retryPolicy']),
    );
    expect(payload.properties?.importWindowDays.description).toMatch(/1–10/);
    expect(document.components.schemas.MapCarrierPayload.properties?.shopCarrier).toBeDefined();
    expect(Object.keys(document.components.schemas.ProblemDetailsSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'errors']),
    );
  });

  it('serves Swagger UI at /api/docs with its assets, and nothing else of the assets folder', async () => {
    const page = await fetch(`${engine().url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('/api/docs/swagger-ui-bundle.js');
    expect(html).toContain('data-url="/api/docs-json"');
    const bundle = await fetch(`${engine().url}/api/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${engine().url}/api/docs/package.json`)).status).toBe(404);
    expect((await fetch(`${engine().url}/api/docs/..%2Fpackage.json`)).status).toBe(404);
  });
});
