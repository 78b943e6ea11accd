#!/usr/bin/env node
// The `face-mesh` command. A committed file, so that npm can link it at install time; the CLI
// itself is built into dist/ by the install's postinstall step (`npm run build:node`).
import '../dist/cli.js';
