#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli/run-cli.js';

/** `lengow-sync …`: the operator CLI. runCli never throws; the status is set rather than exit() so output drains. */
process.exitCode = await runCli(process.argv.slice(2));
