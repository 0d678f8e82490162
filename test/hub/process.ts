/**
 * A hub as its own process (`nlets-sim serve --port 0`), for tests of what
 * survives SIGTERM and SIGKILL, with a small HTTP client for it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import type { Test } from 'tap'
import { request } from 'undici'

export interface HubProcess {
  readonly url: string
  readonly child: ChildProcess
  output: () => string
  /** Send a signal and wait for the exit. */
  stop: (signal: 'SIGTERM' | 'SIGKILL') => Promise<void>
}

const CLI = resolve('bin/nlets-sim.js')

export async function startHubProcess (t: Test, args: readonly string[], env: Record<string, string> = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let out = ''
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { out += s })
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { out += s })
  const exited = new Promise<void>((res) => { child.once('exit', () => res()) })
  let gone = false
  void exited.then(() => { gone = true })
  t.teardown(async () => { if (!gone) { child.kill('SIGKILL'); await exited } })
  const deadline = Date.now() + 15_000
  let url: string | undefined
  while (url === undefined) {
    url = /hub listening on (http:\/\/\S+) /.exec(out)?.[1]
    if (url !== undefined) break
    if (gone || Date.now() > deadline) throw new Error(`hub did not start:\n${out}`)
    await new Promise((res) => setTimeout(res, 25))
  }
  return {
    url,
    child,
    output: () => out,
    stop: async (signal) => {
      if (!gone) child.kill(signal)
      await exited
    },
  }
}

export interface Answer { status: number, json: any, text: string }

/** One HTTP exchange with a hub; `body` a string is sent as legacy text. */
export async function call (url: string, method: 'GET' | 'POST' | 'PUT', path: string, opts: { token?: string, body?: string | object, accept?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' }
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
  let body: string | undefined
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
    headers['content-type'] = typeof opts.body === 'string' ? 'text/plain' : 'application/json'
  }
  const res = await request(`${url}${path}`, { method, headers, signal: AbortSignal.timeout(10_000), ...(body === undefined ? {} : { body }) })
  const text = await res.body.text()
  let json: any
  try { json = JSON.parse(text) } catch {}
  return { status: res.statusCode, json, text }
}

/** The audit file's records. */
export function dataPaths (dir: string): { data: string, audit: string } {
  return { data: join(dir, 'data'), audit: join(dir, 'audit.ndjson') }
}
