/**
 * @module hub/msq
 * Multi-state query (destination NL): after the fan-out, one merged reply from
 * the switch: which states were asked, which had a hit, which had none, which
 * did not answer within the window, which denied; NO HIT replies are dropped
 * and the hits' records follow the summary.
 */
import { SWITCH_ORI } from '../message/reply.js'
import { REPLY_FOR } from '../message/types.js'
import type { Leg } from './deliver.js'
import { type Outcome, type ReplyOut, replyText, type Stamper } from './replies.js'

type Group = 'queried' | 'hit' | 'nohit' | 'noanswer' | 'denied' | 'status'

function groupOf (s: ReplyOut['status']): Exclude<Group, 'queried'> {
  return s === 'hit' ? 'hit' : s === 'nohit' ? 'nohit' : s === 'denied' ? 'denied' : s === 'status' ? 'status' : 'noanswer'
}

export function mergeMultiState (env: Stamper, leg: Leg, outcomes: readonly Outcome[]): ReplyOut[] {
  const groups: Record<Group, string[]> = { queried: [], hit: [], nohit: [], noanswer: [], denied: [], status: [] }
  const sections: string[] = []
  const images: Record<string, { mime: string, data: string }> = {}
  for (const o of outcomes) {
    groups.queried.push(o.state)
    groups[groupOf(o.reply.status)].push(o.state)
    if (o.reply.status === 'hit') {
      sections.push(`--- ${o.state} ${o.reply.from} ---\n${o.body ?? ''}`)
      if (o.reply.image) images[o.state] = o.reply.image
    }
  }
  const line = (label: string, list: string[]): string => `${label} (${list.length}): ${list.length ? list.join(' ') : 'NONE'}`
  const body = [
    'MULTI-STATE QUERY SUMMARY',
    line('STATES QUERIED', groups.queried), line('STATES WITH HITS', groups.hit), line('STATES WITH NO HIT', groups.nohit),
    line('STATES NOT ANSWERING', groups.noanswer), line('STATES DENYING YOUR AGENCY', groups.denied),
    ...(groups.status.length ? [line('STATES NOT TAKING THIS KEY', groups.status)] : []),
    ...sections,
  ].join('\n')
  const key = REPLY_FOR[leg.key] ?? 'DR'
  const to = leg.ori
  const text = replyText(env, leg, key, SWITCH_ORI, to, body)
  const merged: ReplyOut = { key, from: SWITCH_ORI, to, text, status: 'summary', summary: groups }
  return [Object.keys(images).length ? { ...merged, images } : merged]
}
