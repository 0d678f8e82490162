/**
 * Reply formatting: exact text for a fixed clock, as in DOMAIN.md 1.5 and
 * Nlets' own ER example, plus the clock and counter rules.
 */
import t from 'tap'
import { formatClock, formatSeq, LineCounters } from '../../src/message/clock.js'
import { messageError } from '../../src/message/er.js'
import { parseLegacy } from '../../src/message/legacy.js'
import { formatEr, formatRecordBody, formatReply, formatSm, type ReplyClock } from '../../src/message/reply.js'
import { makeClassifier, validateMessage } from '../../src/message/validate.js'

// 08:00 MST is 15:00 UTC (Phoenix keeps MST all year).
const CLOCK: ReplyClock = {
  receivedAt: new Date('2010-01-01T15:00:00Z'),
  sentAt: new Date('2011-01-01T15:00:00Z'),
  inSeq: 1239,
  outSeq: 1233,
}

t.test('the output header of DOMAIN.md 1.5, exactly', async (t) => {
  t.equal(formatReply({ ...CLOCK, key: 'ER', from: 'NL0000000', to: 'AZNLETS20', body: '' }), [
    'ER.NL0000000',
    '08:00 01/01/2010 01239',
    '08:00 01/01/2011 01233 AZNLETS20',
    'TXT',
  ].join('\n'))
})

t.test('a DR with a control field and a record body', async (t) => {
  const body = formatRecordBody([
    [{ prefix: 'NAM', value: 'SMITH,JOHN' }, { prefix: 'DOB', value: '19500101' }],
    [{ prefix: 'OLN', value: 'D11111111' }, { prefix: 'STS', value: 'VALID' }],
  ])
  t.equal(body, 'NAM/SMITH,JOHN.DOB/19500101\nOLN/D11111111.STS/VALID')
  const reply = formatReply({
    key: 'DR', from: 'AZOLN0000', to: 'TX0020100', control: 'CTRL000001',
    receivedAt: new Date('2025-11-19T17:05:59Z'), sentAt: new Date('2025-11-19T17:06:01Z'), inSeq: 7, outSeq: 100_002, body,
  })
  t.equal(reply, [
    'DR.AZOLN0000.CTRL000001',
    '10:05 11/19/2025 00007',
    '10:06 11/19/2025 00002 TX0020100',
    'TXT',
    'NAM/SMITH,JOHN.DOB/19500101',
    'OLN/D11111111.STS/VALID',
  ].join('\n'))
  t.equal(formatRecordBody([]), '')
})

t.test('an ER as in Nlets\' own example: code, text, options, original message', async (t) => {
  // The input of Nlets' own ER example: a plate query without its plate year.
  const input = 'RQ.AZNLETS20.AZ.TXT\r\nLIC/123456.LIT/PC'
  const r = parseLegacy(input)
  if (!r.ok) throw new Error('must parse')
  const error = validateMessage(r.message, { classify: makeClassifier([]) })
  if (error === undefined) throw new Error('must fail')
  t.equal(formatEr(error, input, 'AZNLETS20', CLOCK), [
    'ER.NL0000000',
    '08:00 01/01/2010 01239',
    '08:00 01/01/2011 01233 AZNLETS20',
    'TXT',
    '.22. INVALID MESSAGE FORMAT - REFER TO RQ MKE OPTIONS BELOW',
    'missing LIY/; RQ needs LIC+LIY+LIT or VIN',
    '1. LIC, LIY, LIT',
    '2. VIN',
    'OPTIONAL: LIY, LIT, VMA, VYR, RSN, PUR, ATN',
    'ORIGINAL MESSAGE',
    'RQ.AZNLETS20.AZ.TXT',
    'LIC/123456.LIT/PC',
  ].join('\n'))
})

t.test('an ER quotes the first 100 characters and numbers code 0 plainly', async (t) => {
  const input = 'DQ.TX0020100.IL.TXTATN/' + 'A'.repeat(200) + '.'
  const text = formatEr(messageError('0', 'the message ends with a period'), input, 'TX0020100', { ...CLOCK, control: 'REF1' })
  const lines = text.split('\n')
  t.equal(lines[0], 'ER.NL0000000.REF1')
  t.equal(lines[4], '0 MESSAGE FORMAT/STRUCTURE ERROR')
  t.equal(lines[5], 'the message ends with a period')
  t.equal(lines[6], 'ORIGINAL MESSAGE')
  t.equal(lines[7], input.slice(0, 100))
  t.equal(lines.length, 8)
})

t.test('SM .01, .02 and .04', async (t) => {
  t.equal(formatSm('.01', 'IL', 'DNQ', 'TX0020100', CLOCK), [
    'SM.NL0000000',
    '08:00 01/01/2010 01239',
    '08:00 01/01/2011 01233 TX0020100',
    'TXT',
    '.01. USER DOES NOT RESPOND TO MSG TYPE, NLETS WILL NOT FORWARD',
    'MSG TYPE DNQ TO IL',
  ].join('\n'))
  t.match(formatSm('.02', 'WA', 'DQ', 'TX0020100', CLOCK), /\n\.02\. USER OUT OF SERVICE FOR MSG TYPE, NLETS WILL FORWARD\nMSG TYPE DQ TO WA$/)
  t.match(formatSm('.04', 'WA', 'RQ', 'TX0020100', CLOCK), /\n\.04\. USER OUT OF SERVICE FOR MSG TYPE, NLETS WILL NOT FORWARD\n/)
})

t.test('clock stamps: MST by default, any zone on request', async (t) => {
  const summer = new Date('2025-07-04T06:30:00Z')
  t.equal(formatClock(summer), '23:30 07/03/2025', 'Phoenix has no daylight saving: UTC-7 in July')
  t.equal(formatClock(new Date('2025-01-01T07:00:00Z')), '00:00 01/01/2025', 'midnight is 00, not 24')
  t.equal(formatClock(summer, 'UTC'), '06:30 07/04/2025')
  t.equal(formatClock(summer, 'America/Denver'), '00:30 07/04/2025', 'Denver keeps MDT in July')
  t.throws(() => formatClock(summer, 'Mars/Olympus'), RangeError)
})

t.test('5-digit counters wrap at 99999', async (t) => {
  t.same([0, 7, 99_999, 100_000, 100_001, -1].map(formatSeq), ['00000', '00007', '99999', '00000', '00001', '99999'])
  const c = new LineCounters()
  t.equal(c.current('AZ'), 0)
  t.same([c.next('AZ'), c.next('AZ'), c.next('TX')], [1, 2, 1], 'one counter per line')
  for (let i = 2; i < 99_999; i++) c.next('AZ')
  t.equal(c.current('AZ'), 99_999)
  t.equal(c.next('AZ'), 0, 'after 99999 comes 00000')
  t.equal(c.next('AZ'), 1)
})
