/**
 * The one key table and what is derived from it: key lists, reply keys, the
 * keys a state decides, the decision slots of the engine and the traffic model.
 */
import t from 'tap'
import {
  decidedKey, decisionSlot, DRIVER_KEYS, KEY_TABLE, PHOTO_KEYS, QUERY_KEYS, replyKeyFor, SINGLE_STATE_KEYS, STATE_KEYS, VEHICLE_KEYS,
} from '../../src/message/keys.js'
import { isRegionalKey, rewriteKey, singleStateKey } from '../../src/message/rules.js'
import { REPLY_FOR, REPLY_KEYS } from '../../src/message/types.js'
import { RULE_KEYS } from '../../src/policy/types.js'
import { SENT_KEYS, SLOT_OF_SENT } from '../../simulator/traffic/model.js'

t.test('the lists derived from the table', async (t) => {
  t.same(QUERY_KEYS, ['DQ', 'DNQ', 'DQG', 'KQ', 'RQ', 'RQG', 'RNQ', 'RPQ'])
  t.same(STATE_KEYS, ['DQ', 'DNQ', 'KQ', 'RQ', 'RNQ', 'RPQ'], 'a state is sent and decides every key but the regional ones')
  t.same(RULE_KEYS, STATE_KEYS, 'rules name the keys a state decides')
  t.same(DRIVER_KEYS, ['DQ', 'DNQ', 'DQG', 'KQ'])
  t.same(VEHICLE_KEYS, ['RQ', 'RQG', 'RNQ', 'RPQ'])
  t.same(PHOTO_KEYS, ['DQ', 'KQ'])
  t.same(SINGLE_STATE_KEYS, ['KQ', 'RPQ'])
  t.ok(new Set(QUERY_KEYS).size === QUERY_KEYS.length, 'no key twice')
})

t.test('reply keys, rewriting and regional keys', async (t) => {
  t.same(REPLY_FOR, { DQ: 'DR', DNQ: 'DNR', DQG: 'DR', KQ: 'KR', RQ: 'RR', RQG: 'RR', RNQ: 'RNR', RPQ: 'RPR' })
  for (const r of KEY_TABLE) t.ok((REPLY_KEYS as readonly string[]).includes(r.reply), `${r.reply} is a reply key`)
  t.equal(replyKeyFor('XQ'), undefined)
  t.same(QUERY_KEYS.map(rewriteKey), ['DQ', 'DNQ', 'DQ', 'KQ', 'RQ', 'RQ', 'RNQ', 'RPQ'])
  t.equal(rewriteKey('CWQ'), 'CWQ', 'a key not in the table passes unchanged')
  t.same(QUERY_KEYS.filter(isRegionalKey), ['DQG', 'RQG'])
  t.ok(singleStateKey('KQ') && singleStateKey('RPQ') && singleStateKey('CWQ') && !singleStateKey('DQ'))
  for (const k of STATE_KEYS) t.equal(decidedKey(k), k, `${k} decides as itself`)
})

t.test('decision slots: the engine and the traffic model from the same table', async (t) => {
  t.same(QUERY_KEYS.map(decisionSlot), [0, 2, 0, 6, 8, 8, 12, 14], 'DQG and RQG share the DQ and RQ slots')
  t.equal(decisionSlot('XQ'), -1)
  t.same([...SLOT_OF_SENT], [0, 1, 2, 0, 6, 8, 8, 12, 14], `the model's sent keys ${SENT_KEYS.join(' ')}`)
})
