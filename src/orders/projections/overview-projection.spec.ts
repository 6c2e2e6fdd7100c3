import { checkPostgres, describeWithService } from '../../../test/support/services.js';
import { overviewProjectionSuite } from './testing/overview-projection.suite.js';
import { openPostgres, openSqlite } from './testing/read-side-databases.js';

const postgres = await checkPostgres();

describe('order overview projection on SQLite', () => overviewProjectionSuite(openSqlite));
describeWithService(postgres, 'order overview projection on PostgreSQL', () => overviewProjectionSuite(openPostgres));
