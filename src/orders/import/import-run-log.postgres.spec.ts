import { checkPostgres, describeWithService } from '../../../test/support/services.js';
import { importRunLogSuite, openPostgresSchema } from './testing/import-run-log.suite.js';

const postgres = await checkPostgres();

describeWithService(postgres, 'ImportRunLog on PostgreSQL: runs of stopped processes', () =>
  importRunLogSuite(openPostgresSchema),
);
