import { checkPostgres, describeWithService } from '../../../test/support/services.js';
import { overviewQueriesSuite } from './testing/overview-queries.suite.js';
import { openPostgres, openSqlite } from './testing/read-side-databases.js';

const postgres = await checkPostgres();

describe('OverviewQueries on SQLite', () => overviewQueriesSuite(openSqlite));
describeWithService(postgres, 'OverviewQueries on PostgreSQL', () => overviewQueriesSuite(openPostgres));
