/**
 * @module hub/msq
 * Multi-state query (destination NL): after the fan-out, one merged reply from
 * the switch: which states were asked, which had a hit, which had none, which
 * did not answer within the window, which denied; NO HIT replies are dropped
 * and the hits' records follow the summary.
 */
import { formatReply, SWITCH_ORI } from '../message/reply.js'
import { REPLY_FOR } from '../message/types.js'
import type { DeliveryContext, Outcome } from './deliver.js'
import type { ReplyOut } from './switch.js'

export function mergeMultiState (ctx: DeliveryContext, outcomes: readonly Outcome[]): ReplyOut[] {
  const groups: Record<string, string[]> = { queried: [], hit: [], nohit: [], noanswer: [], denied: [], status: [] }
  const sections: string[] = []
  const images: Record<string, { mime: string, data: string }> = {}
  for (const o of outcomes) {
    groups.queried!.push(o.state)
    const s = o.reply.status
    const g = s === 'hit' ? 'hit' : s === 'nohit' ? 'nohit' : s === 'denied' ? 'denied' : s === 'status' ? 'status' : 'noanswer'
    groups[g]!.push(o.state)
    if (s === 'hit') {
      sections.push(`--- ${o.state} ${o.reply.from} ---\n${o.reply.text.split('\nTXT\n').slice(1).join('\nTXT\n')}`)
      if (o.reply.image) images[o.state] = o.reply.image
    }
  }
  const line = (label: string, list: string[]): string => `${label} (${list.length}): ${list.length ? list.join(' ') : 'NONE'}`
  const body = [
    'MULTI-STATE QUERY SUMMARY',
    line('STATES QUERIED', groups.queried!), line('STATES WITH HITS', groups.hit!), line('STATES WITH NO HIT', groups.nohit!),
    line('STATES NOT ANSWERING', groups.noanswer!), line('STATES DENYING YOUR AGENCY', groups.denied!),
    ...(groups.status!.length ? [line('STATES NOT TAKING THIS KEY', groups.status!)] : []),
    ...sections,
  ].join('\n')
  const key = REPLY_FOR[ctx.key] ?? 'DR'
  const to = ctx.message.ori
  const text = formatReply({
    key, from: SWITCH_ORI, to, body, receivedAt: new Date(ctx.receivedAt), sentAt: new Date(ctx.now()), inSeq: ctx.inSeq,
    outSeq: ctx.counters.next(`out:${ctx.line}`), ...(ctx.message.control !== undefined ? { control: ctx.message.control } : {}),
    ...(ctx.timeZone ? { timeZone: ctx.timeZone } : {}),
  })
  return [{
    key, from: SWITCH_ORI, to, text, status: 'summary', summary: groups,
    ...(Object.keys(images).length ? { images } : {}),
  } as ReplyOut]
}
