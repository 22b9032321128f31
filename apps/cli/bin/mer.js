#!/usr/bin/env node
// The `mer` command. Built code lives in dist/ (npx nx build cli).
require('../dist/main.js');
