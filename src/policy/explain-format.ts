/**
 * @module policy/explain-format
 * An explanation as a person reads it (the lines `policy explain` prints) and
 * as JSON (what `policy explain --json` writes): one format for the command
 * line and the hub's `POST /v1/messages?explain=1`.
 */
import type { Explanation } from './explain.js'

/** JSON of an explanation: the request's time as ISO 8601. */
export function explanationJson (e: Explanation): Record<string, unknown> {
  return { ...e, request: { ...e.request, time: new Date(e.request.time).toISOString() } }
}

/** The lines `policy explain` prints: the account, the decision, every rule of the state checked in order. */
export function explanationText (e: Explanation): string[] {
  const out = [...e.summary]
  if (e.denialText) out.push(`Denial text: "${e.denialText}"`)
  out.push('', `decision: ${e.decision.effect}   rule: ${e.decision.rule ?? '(default)'}   policy version: ${e.decision.policyVersion}`)
  if (e.rules.length) {
    out.push(`rules of ${e.request.state}, in order:`)
    e.rules.forEach((r, i) => out.push(`  ${i + 1}. ${r.rule} (${r.effect}) ${r.matched ? 'MATCHES' : 'no match'}: ${r.reasons.join('; ')}`))
  }
  return out
}
