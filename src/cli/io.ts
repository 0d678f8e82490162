/**
 * @module cli/io
 * What a command needs from the outside world, so tests can run commands in
 * process and read what they printed.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { NsimError } from '../errors.js'

export interface Io {
  out: (s: string) => void
  err: (s: string) => void
  /** Working directory for relative paths. */
  cwd: string
}

export const processIo: Io = {
  out: (s) => { process.stdout.write(s.endsWith('\n') ? s : s + '\n') },
  err: (s) => { process.stderr.write(s.endsWith('\n') ? s : s + '\n') },
  cwd: process.cwd(),
}

export type Options = NonNullable<ParseArgsConfig['options']>

/** Strict flag parsing; unknown or malformed flags become a usage error naming the flag. */
export function parseFlags<T extends Options> (argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals })
  } catch (err) {
    throw new NsimError('NSIM_CLI_USAGE', (err as Error).message.replace(/\.$/, '').replace(/^./, (c) => c.toLowerCase()))
  }
}

/** Parse a non-negative integer flag value, naming the flag when it is not one. */
export function intFlag (name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value)) throw new NsimError('NSIM_CLI_USAGE', `--${name} must be a non-negative integer, got \`${value}\``)
  return Number(value)
}
