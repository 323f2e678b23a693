#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { main } from './cli/program.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
await main(process.argv, version);
