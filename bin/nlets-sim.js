#!/usr/bin/env node
// Thin launcher: the CLI is TypeScript compiled to dist/ by `npm run build`.
import { main } from '../dist/src/cli/main.js'

// `nlets-sim ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); else throw err })
process.exitCode = await main(process.argv.slice(2))
