/**
 * @module hub/routes/admin
 * Operator routes (admin bearer token): state faults and status, policy reload
 * (atomic swap; a reload with any error is refused and the last good set stays).
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { FAULT_SCHEMA, type StateFault, STATE_KEYS } from '../ports/endpoint.js'
import { toJurisdiction } from '../../directory/model.js'
import { type Diagnostic, formatDiagnostic, hasErrors } from '../../diagnostics.js'
import { PolicyStore } from '../../policy/store.js'
import type { HubContext } from '../context.js'
import { isAdmin, unauthorized } from './access.js'
import { errorSchema } from './schemas.js'

export function registerAdminRoutes (app: FastifyInstance, ctx: HubContext): void {
  const stateParam = { type: 'object', required: ['state'], properties: { state: { type: 'string', pattern: '^[A-Za-z]{2}$' } } } as const
  const destination = (code: string) => {
    const s = toJurisdiction(code)
    return s === undefined ? undefined : ctx.destinations.get(s)
  }
  const notFound = async (reply: FastifyReply, code: string) => await reply.code(404).send({ statusCode: 404, code: 'NSIM_HUB_NOT_FOUND', error: 'Not Found', message: `\`${code}\` is not a jurisdiction` })
  app.register(async (admin) => {
    admin.addHook('onRequest', async (req, reply) => { if (!isAdmin(req, ctx)) return await unauthorized(reply, 'nlets-sim-admin', 'admin token') })

    admin.get('/v1/admin/states', { schema: { summary: 'Every destination: transport, status, fault, queue depth, keys turned off' } }, async () => {
      return [...ctx.destinations.values()].map((d) => ({
        state: d.state, transport: d.transport, status: d.health, fault: d.currentFault,
        queued: ctx.sw.deps.state.queue.depth(d.state), keys: d.config.keys, disabledKeys: [...d.disabledKeys], photos: d.config.photos,
      }))
    })

    admin.put<{ Params: { state: string }, Body: StateFault }>('/v1/admin/states/:state/fault', {
      schema: { summary: 'Put a simulated state in a fault mode (or back up)', params: stateParam, body: FAULT_SCHEMA, response: { 404: errorSchema } },
    }, async (req, reply) => {
      const d = destination(req.params.state)
      if (d === undefined) return await notFound(reply, req.params.state)
      // FAULT_SCHEMA already refused a slow fault without latencyMs and a flapping one without periodMs.
      const f = req.body
      if (d.endpoint.setFault === undefined) return await reply.code(409).send({ statusCode: 409, code: 'NSIM_HUB_BAD_REQUEST', error: 'Conflict', message: `${d.state} takes no faults` })
      // Recorded (and kept across restarts) whether or not the endpoint can be told now; saved first,
      // so a store that does not answer (503) leaves the fault in force nowhere, this replica included.
      const fault = f.mode === 'up' ? null : f
      await ctx.sw.deps.state.destinations.save(d.state, { ...d.settings, fault })
      d.fault = fault
      try {
        await d.endpoint.setFault(f)
      } catch (err) {
        d.reachable = false
        return await reply.code(502).send({
          statusCode: 502, code: 'NSIM_HUB_STATE_UNREACHABLE', error: 'Bad Gateway',
          message: `fault recorded, but ${d.state} could not be told: ${(err as Error).message}`,
        })
      }
      if (f.mode === 'up') d.reachable = true
      else if (f.mode === 'down') d.reachable = false
      const delivered = f.mode === 'up' ? await ctx.sw.drain(d.state) : 0
      return { state: d.state, fault: f, delivered, queued: ctx.sw.deps.state.queue.depth(d.state) }
    })

    admin.put<{ Params: { state: string }, Body: { status?: 'up' | 'removed', disabledKeys?: string[] } }>('/v1/admin/states/:state/status', {
      schema: {
        summary: 'Switch-side status of a destination: removed (SM .04, not stored) and keys turned off (SM .01)',
        params: stateParam,
        body: {
          type: 'object', additionalProperties: false,
          properties: { status: { type: 'string', enum: ['up', 'removed'] }, disabledKeys: { type: 'array', items: { type: 'string', enum: [...STATE_KEYS] }, uniqueItems: true } },
        },
        response: { 404: errorSchema },
      },
    }, async (req, reply) => {
      const d = destination(req.params.state)
      if (d === undefined) return await notFound(reply, req.params.state)
      const next = { ...d.settings, ...(req.body.status !== undefined ? { status: req.body.status } : {}), ...(req.body.disabledKeys !== undefined ? { disabledKeys: req.body.disabledKeys } : {}) }
      await ctx.sw.deps.state.destinations.save(d.state, next) // first: nothing changes here if the store does not answer
      d.status = next.status
      d.disabledKeys.clear()
      for (const k of next.disabledKeys) d.disabledKeys.add(k)
      ctx.sw.forgetServing()
      return { state: d.state, status: d.status, disabledKeys: [...d.disabledKeys] }
    })

    admin.post<{ Querystring: { target?: 'live' | 'shadow' }, Body: { dir?: string } | undefined }>('/v1/admin/policies/reload', {
      schema: {
        summary: 'Reload the policy folder, or the shadow set (?target=shadow, optionally from another folder: { "dir": ... }); refused (last good set kept) on any error',
        querystring: { type: 'object', additionalProperties: false, properties: { target: { type: 'string', enum: ['live', 'shadow'], default: 'live' } } },
        body: { type: ['object', 'null'], additionalProperties: false, properties: { dir: { type: 'string', minLength: 1, maxLength: 4096 } } },
      },
    }, async (req, reply) => {
      const errorsOf = (d: readonly Diagnostic[]): string[] => d.filter((x) => x.severity === 'error').map(formatDiagnostic)
      if (req.query.target !== 'shadow') {
        if (req.body?.dir !== undefined) return await reply.code(400).send({ statusCode: 400, code: 'NSIM_HUB_BAD_REQUEST', error: 'Bad Request', message: 'the live set reloads its own folder: `dir` is for ?target=shadow' })
        const r = await ctx.store.reload()
        const out = { ok: r.ok, target: 'live', version: r.version, previousVersion: r.previousVersion, errors: errorsOf(r.diagnostics) }
        if (!r.ok || ctx.bundles === undefined) return await reply.code(r.ok ? 200 : 422).send(out)
        // With replicas: the set just loaded goes to every other one (they report it in /health).
        try {
          const p = await ctx.bundles.publish(ctx.store.dir, r.version)
          return { ...out, published: p }
        } catch (err) {
          return await reply.code(502).send({
            statusCode: 502, code: 'NSIM_HUB_CLUSTER', error: 'Bad Gateway',
            message: `reloaded here (version ${r.version}), but not published to the other replicas: ${(err as Error).message}`,
          })
        }
      }
      const previous = ctx.sw.shadow?.current.version ?? null
      if (req.body?.dir !== undefined) {
        // A shadow set from another folder: loaded whole, or refused with the old one kept.
        const opened = await PolicyStore.open(req.body.dir).catch((err: Error) => err)
        if (opened instanceof Error) return await reply.code(422).send({ ok: false, target: 'shadow', version: previous, previousVersion: previous, errors: [opened.message] })
        if (hasErrors(opened.diagnostics)) return await reply.code(422).send({ ok: false, target: 'shadow', version: previous, previousVersion: previous, errors: errorsOf(opened.diagnostics) })
        ctx.sw.setShadow(opened.store)
        return { ok: true, target: 'shadow', dir: opened.store.dir, version: opened.store.current.version, previousVersion: previous, errors: [] }
      }
      const shadow = ctx.sw.shadow
      if (shadow === undefined) return await reply.code(409).send({ statusCode: 409, code: 'NSIM_HUB_BAD_REQUEST', error: 'Conflict', message: 'no shadow set runs: give its folder, { "dir": "..." }' })
      const r = await shadow.reload()
      return await reply.code(r.ok ? 200 : 422).send({ ok: r.ok, target: 'shadow', dir: shadow.dir, version: r.version, previousVersion: r.previousVersion, errors: errorsOf(r.diagnostics) })
    })

    admin.delete('/v1/admin/policies/shadow', { schema: { summary: 'Stop evaluating a shadow set' } }, async () => {
      const previous = ctx.sw.shadow?.current.version ?? null
      ctx.sw.setShadow(undefined)
      return { ok: true, target: 'shadow', version: null, previousVersion: previous }
    })
  })
}
