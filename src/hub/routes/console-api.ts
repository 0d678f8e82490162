/**
 * @module hub/routes/console-api
 * The training console's reading routes: its settings (local or production),
 * the keys with their field sets and a hint per field, a message checked
 * before it is sent (the ER the switch would answer, with the line that owns
 * the sending ORI), what a state's policy decides for an agency on a given
 * date, a state's policy as written, and the lessons. Open on a local hub; in
 * production a line token or the admin token.
 */
import type { FastifyInstance } from 'fastify'
import { describeAgency } from '../../directory/describe.js'
import { isJurisdiction, toJurisdiction } from '../../directory/model.js'
import { messageError, type MessageError } from '../../message/er.js'
import { KEY_TABLE, isQueryKey } from '../../message/keys.js'
import { parseLegacy } from '../../message/legacy.js'
import { formatEr } from '../../message/reply.js'
import { KEY_RULES } from '../../message/rules.js'
import { validateMessage } from '../../message/validate.js'
import { explain } from '../../policy/explain.js'
import { explanationText } from '../../policy/explain-format.js'
import { LESSONS } from '../console/lessons.js'
import type { HubContext } from '../context.js'
import { localOrMember } from './access.js'
import { errorSchema } from './schemas.js'

/** What each field prefix holds, for the compose form (docs/messages.md has the rules). */
export const FIELD_HINTS: Readonly<Record<string, string>> = Object.freeze({
  OLN: 'operator licence number (letters, digits, up to 20)',
  NAM: 'name: LAST,FIRST MIDDLE',
  DOB: 'date of birth: YYYYMMDD',
  SEX: 'sex: M, F or U',
  RSN: 'reason code: N F V T S H I',
  PUR: 'purpose code: C (criminal justice) F E D J S',
  ATN: 'attention: who the reply is for',
  IMQ: 'Y: ask for the licence photo',
  LIC: 'licence plate',
  LIY: 'plate year: YYYY, or NX (non-expiring)',
  LIT: 'plate type: 2 letters, e.g. PC (passenger car)',
  VIN: 'vehicle identification number (up to 17)',
  VMA: 'vehicle make code (2-4 characters)',
  VYR: 'vehicle model year: YYYY',
})

interface Check { ok: boolean, line: string | null, agency: string | null, error: MessageError | null, er: string | null }

export function registerConsoleApi (app: FastifyInstance, ctx: HubContext): void {
  const onRequest = localOrMember(ctx)

  app.get('/v1/console/config', { schema: { summary: 'Training console: how it runs here (local: demo tokens, operator panels; production: a line token)' } }, async () => ({
    mode: ctx.options.production ? 'production' : 'local',
    demoTokens: ctx.credentials.kind === 'demo',
    operator: !ctx.options.production,
    regions: Object.fromEntries(ctx.sw.deps.regions),
  }))

  app.get('/v1/console/keys', { onRequest, schema: { summary: 'Training console: each query key, its required field sets and optional fields, with a hint per field' } }, async () =>
    KEY_TABLE.map((row) => {
      const rule = KEY_RULES[row.key]
      const fields = [...new Set([...rule.forms.flat(), ...rule.optional])]
      return {
        key: row.key, family: row.family, decidedAs: row.decidedAs, photo: row.photo, single: rule.single, destinations: rule.destinations,
        forms: rule.forms, optional: rule.optional, hints: Object.fromEntries(fields.map((f) => [f, FIELD_HINTS[f] ?? ''])),
      }
    }))

  app.post<{ Body: { text: string } }>('/v1/console/check', {
    onRequest,
    schema: {
      summary: 'Training console: check a legacy message before sending it (the ER the switch would answer, and the line that owns the sending ORI)',
      body: { type: 'object', required: ['text'], additionalProperties: false, properties: { text: { type: 'string', maxLength: 4096 } } },
    },
  }, async (req): Promise<Check> => {
    const text = req.body.text
    const parsed = parseLegacy(text)
    let error: MessageError | undefined = parsed.ok ? validateMessage(parsed.message, { classify: ctx.sw.classify }) : parsed.error
    const ori = parsed.ok ? parsed.message.ori : ''
    const agency = parsed.ok && error === undefined ? ctx.store.current.directory.get(ori) : undefined
    if (parsed.ok && error === undefined) {
      if (agency === undefined) error = messageError('.01', `sending ORI \`${ori}\` is not in the directory (ORION)`)
      else if (!agency.active) error = messageError('.01', `sending ORI \`${ori}\` is inactive in the directory`)
    }
    if (error === undefined) return { ok: true, line: agency!.line, agency: describeAgency(agency!), error: null, er: null }
    const now = new Date()
    return { ok: false, line: agency?.line ?? null, agency: null, error, er: formatEr(error, text, ori, { receivedAt: now, sentAt: now, inSeq: 0, outSeq: 0 }) }
  })

  app.post<{ Body: { ori: string, state: string, key: string, time?: string, image?: boolean, reason?: string, purpose?: string } }>('/v1/console/explain', {
    onRequest,
    schema: {
      summary: 'Training console: what a state\'s policy decides for an agency, key and date, rule by rule (as `nlets-sim policy explain`)',
      body: {
        type: 'object', required: ['ori', 'state', 'key'], additionalProperties: false,
        properties: {
          ori: { type: 'string', pattern: '^[A-Za-z]{2}[A-Za-z0-9]{7}$' }, state: { type: 'string', pattern: '^[A-Za-z]{2}$' },
          key: { type: 'string', enum: KEY_TABLE.map((r) => r.key) }, time: { type: 'string', format: 'date-time' },
          image: { type: 'boolean' }, reason: { type: 'string', maxLength: 1 }, purpose: { type: 'string', maxLength: 1 },
        },
      },
      response: { 404: errorSchema },
    },
  }, async (req, reply) => {
    const b = req.body
    const state = toJurisdiction(b.state.toUpperCase())
    if (state === undefined || !isJurisdiction(state)) return await reply.code(404).send({ statusCode: 404, code: 'NSIM_HUB_NOT_FOUND', error: 'Not Found', message: `\`${b.state}\` is not a jurisdiction` })
    const key = b.key
    if (!isQueryKey(key)) throw new Error('unreachable: the schema lists the keys')
    const e = explain({
      ori: b.ori.toUpperCase(), state, key, image: b.image === true, time: b.time === undefined ? ctx.sw.now() : Date.parse(b.time),
      ...(b.reason ? { reason: b.reason } : {}), ...(b.purpose ? { purpose: b.purpose } : {}),
    }, ctx.store.current)
    return { state, effect: e.decision.effect, rule: e.decision.rule, policyVersion: e.decision.policyVersion, time: new Date(e.request.time).toISOString(), text: explanationText(e) }
  })

  app.get<{ Params: { state: string } }>('/v1/console/policies/:state', {
    onRequest,
    schema: {
      summary: 'Training console: one state\'s policy as loaded (rules in order, default, denial text)',
      params: { type: 'object', required: ['state'], properties: { state: { type: 'string', pattern: '^[A-Za-z]{2}$' } } },
      response: { 404: errorSchema },
    },
  }, async (req, reply) => {
    const state = toJurisdiction(req.params.state.toUpperCase())
    if (state === undefined || !isJurisdiction(state)) return await reply.code(404).send({ statusCode: 404, code: 'NSIM_HUB_NOT_FOUND', error: 'Not Found', message: `\`${req.params.state}\` is not a jurisdiction` })
    const p = ctx.store.current.source.policies.get(state)
    if (p === undefined) return { state, loaded: false, default: 'deny', denialText: '', version: null, rules: [] }
    return {
      state, loaded: true, default: p.default, denialText: p.denialText, version: p.version,
      rules: p.rules.map((r) => ({
        id: r.id, effect: r.effect, redact: r.redact, description: r.description, source: r.source, keys: r.keys,
        from: r.from === undefined ? null : new Date(r.from).toISOString().slice(0, 10), until: r.until === undefined ? null : new Date(r.until).toISOString().slice(0, 10),
      })),
    }
  })

  app.get('/v1/console/lessons', { onRequest, schema: { summary: 'Training console: the built-in lessons, each a script of steps with what the class should observe' } }, async () => LESSONS)
}
