/**
 * @module bench/servers/echo
 * The bare baseline of the http suite: Fastify (logger off) with the hub's POST
 * /v1/messages schemas (text or JSON body, the hub's response schema), replying
 * a hub-shaped body of about the hub's size without routing, policy or states.
 * `node dist/bench/servers/echo.js PORT [--busy-us N]`; prints one line when
 * listening. `--busy-us N` spins N µs in every request (bench/variants.ts: an
 * echo doing as much work per message as the hub's switch does in process).
 */
import Fastify from 'fastify'
import { messageResponseSchema } from '../../src/hub/routes/schemas.js'
import { messageJsonSchema } from '../../src/message/json.js'
import { REPLY_FOR } from '../../src/message/types.js'

// Padding so that the echo's bodies average about the hub's size (bytes/resp in the http table); a licence photo is about 2,000 characters of base64.
const RECORD = '.RAC/W.HGT/506.WGT/180.EYE/BRO.HAI/BLK.OLS/XX.OLY/2030.STA/VALID'
const PHOTO = 'A'.repeat(2000)

interface Head { key: string, ori: string, dests: string[], image: boolean }

function headOf (body: unknown): Head {
  if (typeof body === 'string') {
    const txt = body.indexOf('.TXT')
    const [key = '', ori = '', dest = ''] = body.slice(0, txt < 0 ? body.length : txt).split('.')
    return { key, ori, dests: dest.split(','), image: body.includes('IMQ/Y') }
  }
  const j = body as { MessageKeyCodeText: string, OriginatingORIID: string, DestinationORIID: string[], Fields: unknown }
  return { key: j.MessageKeyCodeText, ori: j.OriginatingORIID, dests: j.DestinationORIID, image: JSON.stringify(j.Fields).includes('"IMQ"') }
}

let clock = ''
const tick = (): void => {
  const d = new Date()
  clock = `${d.toISOString().slice(11, 16)} ${d.toISOString().slice(5, 7)}/${d.toISOString().slice(8, 10)}/${d.getUTCFullYear()}`
}
tick()
setInterval(tick, 1000).unref()

const busyAt = process.argv.indexOf('--busy-us')
const busyNs = busyAt > 0 ? BigInt(Math.round(Number(process.argv[busyAt + 1]) * 1000)) : 0n

/** Spin for the configured time (wall clock; the server is the only thing running on its thread). */
function busy (): void {
  if (busyNs === 0n) return
  const end = process.hrtime.bigint() + busyNs
  while (process.hrtime.bigint() < end) { /* spin */ }
}

const app = Fastify({ logger: false })
let seq = 0
app.get('/health', async () => ({ status: 'ok' }))
app.post('/v1/messages', {
  attachValidation: true,
  schema: {
    body: { oneOf: [{ type: 'string' }, messageJsonSchema] },
    response: { 200: messageResponseSchema, 400: messageResponseSchema },
  },
}, async (req, reply) => {
  busy()
  const raw = typeof req.body === 'string' ? req.body : JSON.stringify(req.body)
  const h = headOf(req.body)
  const n = String(++seq % 100000).padStart(5, '0')
  // A region code (letter and digit) fans out to about seven states, as at the hub.
  const states = h.dests.flatMap((d) => /^[A-Z]\d$/.test(d) ? Array.from({ length: 7 }, (_, i) => `${d}${i}`) : [d])
  const replies = states.map((s) => ({
    key: REPLY_FOR[h.key] ?? 'ER', from: `${s}OLN0000`, to: h.ori,
    text: `${REPLY_FOR[h.key] ?? 'ER'}.${s}OLN0000\n${clock} ${n}\n${clock} ${n} ${h.ori}\nTXT\n${raw}${RECORD}`,
    state: s, status: 'hit', ...(h.image ? { image: { mime: 'image/png', data: PHOTO } } : {}),
  }))
  const decisions = states.map((s) => ({ destination: s, effect: 'allow', rule: null, policyVersion: 'echo' }))
  return await reply.code(req.validationError ? 400 : 200).send({ id: `echo-${seq.toString(36)}`, replies, decisions })
})

const port = Number(process.argv[2] ?? 0)
await app.listen({ port, host: '127.0.0.1' })
const a = app.server.address()
console.log(`echo listening on http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : port}`)
const stop = (): void => { void app.close().then(() => process.exit(0)) }
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
