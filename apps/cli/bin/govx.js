#!/usr/bin/env node
// The govx CLI entry point. The TypeScript sources are compiled to dist/ by `npm ci`
// (the root `prepare` script), so users never build by hand.
import { main } from '../dist/main.js';

process.exit(await main(process.argv));
