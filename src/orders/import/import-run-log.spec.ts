import { importRunLogSuite, openSqliteFile } from './testing/import-run-log.suite.js';

describe('ImportRunLog on SQLite: runs of stopped processes', () => importRunLogSuite(openSqliteFile));
