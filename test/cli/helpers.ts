/**
 * Shared helper for CLI tests: run `nlets-sim` in process and collect what it printed.
 */
import type { Io } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'

export async function run (...argv: string[]): Promise<{ code: number, out: string, err: string }> {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: Io = { cwd: process.cwd(), out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) } }
  const code = await main(argv, io)
  return { code, out: stdout.join('\n'), err: stderr.join('\n') }
}
