#!/usr/bin/env node
// For $BROWSER: records the URL it is asked to open in $BROWSER_URL_FILE and
// returns at once, as a real browser launcher does. The test then acts as the
// user in the real (headless) browser.
import { appendFileSync } from 'node:fs';

appendFileSync(process.env.BROWSER_URL_FILE, `${process.argv[2]}\n`);
