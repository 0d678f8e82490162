/**
 * @module simulator/load/http1
 * A lean HTTP/1.1 client for load generation: a fixed set of keep-alive
 * connections, one request in flight on each, requests queued FIFO for the
 * next free connection, every request's bytes built once before the run, and
 * a small incremental response parser (Content-Length or chunked bodies).
 *
 * Why not undici: measured here (2-core machine, a tiny local server), an
 * undici Pool request with its body read cost about 66-76 µs of client CPU,
 * which caps one thread near 14,000 requests/s; the load generator has to plan
 * 20,000/s and more on time. autocannon is as lean (it writes prebuilt
 * requests to raw sockets too) but cannot send at planned instants. Callbacks,
 * not promises, on the hot path.
 */
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'

/** The answer: an error, or the status, the body and the response's size in bytes (head included). */
export type Done = (err: Error | null, status: number, body: string, bytes: number) => void

export class TimeoutError extends Error {
  readonly code = 'TIMEOUT'
}

interface Pending { readonly bytes: Buffer, readonly done: Done }

const CRLFCRLF = Buffer.from('\r\n\r\n')

/** The bytes of one POST, built once. */
export function buildRequest (target: URL, path: string, headers: Readonly<Record<string, string>>, body: string): Buffer {
  const b = Buffer.from(body)
  let head = `POST ${path} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: keep-alive\r\n`
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`
  head += `Content-Length: ${b.length}\r\n\r\n`
  return Buffer.concat([Buffer.from(head, 'latin1'), b])
}

class Connection {
  #sock: Socket | undefined
  #cur: Pending | undefined
  #since = 0
  #buf: Buffer = Buffer.alloc(0)
  #status = 0
  #bodyStart = -1
  #length = -1
  #chunked = false
  #close = false

  constructor (private readonly client: Http1Client) {}

  get busy (): boolean { return this.#cur !== undefined }

  send (p: Pending): void {
    this.#cur = p
    this.#since = performance.now()
    if (this.#sock === undefined || this.#sock.destroyed) this.#open()
    this.#sock!.write(p.bytes)
  }

  #open (): void {
    const u = this.client.target
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80))
    const s = u.protocol === 'https:' ? tlsConnect({ host: u.hostname, port, servername: u.hostname }) : netConnect({ host: u.hostname, port })
    s.setNoDelay(true)
    s.on('data', (d: Buffer) => this.#data(d))
    const fail = (err: Error): void => {
      if (this.#sock !== s) return
      this.#sock = undefined
      this.#reset()
      const cur = this.#cur
      this.#cur = undefined
      // An idle connection the server closed is simply reopened by its next request.
      if (cur !== undefined) { cur.done(err, 0, '', 0); this.client.free(this) }
    }
    s.on('error', fail)
    s.on('close', () => fail(new Error('connection closed by the server')))
    this.#sock = s
  }

  /** Give up on the current request if it has waited longer than `ms`. */
  sweep (now: number, ms: number): void {
    if (this.#cur === undefined || now - this.#since < ms) return
    const s = this.#sock
    this.#sock = undefined
    this.#reset()
    const cur = this.#cur
    this.#cur = undefined
    s?.destroy()
    cur.done(new TimeoutError(`no answer within ${ms} ms`), 0, '', 0)
    this.client.free(this)
  }

  close (): void { this.#sock?.destroy(); this.#sock = undefined }

  #reset (): void {
    this.#buf = Buffer.alloc(0)
    this.#status = 0
    this.#bodyStart = -1
    this.#length = -1
    this.#chunked = false
    this.#close = false
  }

  #data (d: Buffer): void {
    this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d])
    if (this.#bodyStart < 0) {
      const end = this.#buf.indexOf(CRLFCRLF)
      if (end < 0) return
      const head = this.#buf.toString('latin1', 0, end)
      this.#status = Number(head.slice(9, 12))
      const lower = head.toLowerCase()
      const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower)
      this.#length = cl === null ? -1 : Number(cl[1])
      this.#chunked = /\r\ntransfer-encoding:[^\r]*chunked/.test(lower)
      this.#close = /\r\nconnection:\s*close/.test(lower)
      this.#bodyStart = end + 4
      if (this.#length < 0 && !this.#chunked) this.#length = 0
    }
    let body: string | undefined
    let size = this.#buf.length
    if (this.#chunked) {
      body = dechunk(this.#buf, this.#bodyStart)
      if (body === undefined) return
    } else {
      size = this.#bodyStart + this.#length
      if (this.#buf.length < this.#bodyStart + this.#length) return
      body = this.#buf.toString('utf8', this.#bodyStart, this.#bodyStart + this.#length)
    }
    const status = this.#status
    const close = this.#close
    const cur = this.#cur
    this.#cur = undefined
    this.#reset()
    if (close) { const s = this.#sock; this.#sock = undefined; s?.destroy() }
    cur?.done(null, status, body, size)
    this.client.free(this)
  }
}

/** A chunked body from `from` on, or undefined until the last chunk has arrived. */
function dechunk (b: Buffer, from: number): string | undefined {
  const parts: Buffer[] = []
  let i = from
  for (;;) {
    const eol = b.indexOf('\r\n', i, 'latin1')
    if (eol < 0) return undefined
    const size = parseInt(b.toString('latin1', i, eol), 16)
    if (Number.isNaN(size)) return ''
    if (size === 0) return b.indexOf(CRLFCRLF, eol - 2) < 0 ? undefined : Buffer.concat(parts).toString('utf8')
    if (b.length < eol + 2 + size + 2) return undefined
    parts.push(b.subarray(eol + 2, eol + 2 + size))
    i = eol + 2 + size + 2
  }
}

export class Http1Client {
  readonly #idle: Connection[] = []
  readonly #all: Connection[] = []
  readonly #queue: Pending[] = []
  #head = 0
  readonly #timer: NodeJS.Timeout

  constructor (readonly target: URL, connections: number, readonly timeoutMs: number) {
    for (let i = 0; i < connections; i++) {
      const c = new Connection(this)
      this.#all.push(c)
      this.#idle.push(c)
    }
    this.#timer = setInterval(() => {
      const now = performance.now()
      for (const c of this.#all) c.sweep(now, this.timeoutMs)
    }, Math.min(1000, Math.max(10, timeoutMs / 10)))
  }

  /** Requests waiting for a free connection. */
  get queued (): number { return this.#queue.length - this.#head }

  request (bytes: Buffer, done: Done): void {
    const c = this.#idle.pop()
    if (c !== undefined) c.send({ bytes, done })
    else this.#queue.push({ bytes, done })
  }

  /** A connection finished its request: give it the next one. */
  free (c: Connection): void {
    if (c.busy) return
    if (this.#head < this.#queue.length) {
      const p = this.#queue[this.#head++]!
      if (this.#head > 4096 && this.#head * 2 > this.#queue.length) { this.#queue.splice(0, this.#head); this.#head = 0 }
      c.send(p)
    } else this.#idle.push(c)
  }

  close (): void {
    clearInterval(this.#timer)
    for (const c of this.#all) c.close()
  }
}
