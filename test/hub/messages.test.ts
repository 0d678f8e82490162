import t from 'tap'
import { hitFor, send, testHub } from './helpers.js'

t.test('every query key, valid forms, end to end', async (t) => {
  const hub = await testHub(t)
  const cases: Array<[string, string, string, number]> = [
    // [message, expected reply key, line, replies]
    ['DQ.TX0020100.IL.TXTOLN/D1234567', 'DR', 'TX', 1],
    ['DQ.TX0020100.IL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M', 'DR', 'TX', 1],
    ['DQ.TX0020100.IL.TXTOLN/D1234567.IMQ/Y.RSN/N', 'DR', 'TX', 1],
    ['DNQ.TX0020100.IL.TXTNAM/SMITH,JOHN', 'DNR', 'TX', 1],
    ['DQG.TX0020100.E1.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M', 'DR', 'TX', 6],
    ['KQ.TX0020100.IL.TXTOLN/D1234567', 'KR', 'TX', 1],
    ['KQ.TX0020100.IL.TXTNAM/SMITH,JOHN.DOB/19500101.SEX/M.PUR/C', 'KR', 'TX', 1],
    ['RQ.TX0020100.IL.TXTLIC/ABC123.LIY/2025.LIT/PC', 'RR', 'TX', 1],
    ['RQ.TX0020100.IL.TXTVIN/1HGCM82633A004352', 'RR', 'TX', 1],
    ['RQG.TX0020100.E1.TXTLIC/ABC123.LIY/2025.LIT/PC', 'RR', 'TX', 6],
    ['RNQ.TX0020100.IL.TXTNAM/SMITH,JOHN', 'RNR', 'TX', 1],
    ['RPQ.TX0020100.IL.TXTLIC/AB*12', 'RPR', 'TX', 1],
  ]
  for (const [msg, key, line, n] of cases) {
    const r = await send(hub, line, msg)
    t.equal(r.status, 200, `${msg}: 200`)
    t.equal(r.body.replies.length, n, `${msg}: ${n} replies`)
    t.ok(r.body.replies.every((x) => x.key === key || x.key === 'SM'), `${msg}: replies are ${key} (or SM)`)
    t.equal(r.body.decisions.length, n, `${msg}: one decision per destination`)
    t.ok(r.body.replies.every((x) => x.to === 'TX0020100'), `${msg}: addressed to the sender`)
  }
})

t.test('invalid messages get an ER from NL0000000 with the right code, never a 500', async (t) => {
  const hub = await testHub(t)
  const bad: Array<[string, string]> = [
    ['XX.TX0020100.IL.TXTOLN/D1', '.01.'],
    ['DQ.TX00201.IL.TXTOLN/D1', '.01.'],
    ['DQ.TX0020100.IL.OLN/D1', '.03.'],
    ['DQ.TX0020100.IL.TXTNAM/SMITH,JOHN.DOB/19801332.SEX/M', '.05.'],
    ['RQ.TX0020100.IL.TXTLIC/ABC123.LIY/20X5', '.10.'],
    ['DQ.TX0020100.IL.TXTNAM/SMITH,JOHN', '.22.'],
    ['RNQ.TX0020100.IL.TXTRSN/N', '.14.'],
    ['DQ.TX0020100.ZZ.TXTOLN/D1', '.19.'],
    ['DQ.TX0020100.IL,WA,NY,MA,MN,TX.TXTOLN/D1', '.19.'],
    ['KQ.TX0020100.IL,WA.TXTOLN/D1', '.02.'],
    ['DQG.TX0020100.IL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M', '.02.'],
    ['DQ.TX0020100.IL.TXTOLN/D1.XYZ/1', '.22.'],
    ['DQ.TX0020100.IL.TXTOLN/D1.', '0 '],
    ['', '.03.'],
    ['\u0000\u0001garbage', '.03.'],
  ]
  for (const [msg, code] of bad) {
    const r = await send(hub, 'TX', msg)
    t.equal(r.status, 400, `${JSON.stringify(msg)}: 400`)
    const er = r.body.replies[0]
    t.equal(er?.key, 'ER', `${JSON.stringify(msg)}: ER`)
    t.equal(er?.from, 'NL0000000', 'from the switch')
    t.match(er?.text, new RegExp(`TXT\\n${code.replace(/\./g, '\\.')}`), `${JSON.stringify(msg)}: code ${code}`)
    t.ok(er?.text.includes('ORIGINAL MESSAGE'), 'quotes the original')
    t.same(r.body.decisions, [], 'no decisions for a refused message')
  }
  const long = `DQ.TX0020100.IL.TXTOLN/D1.XYZ/${'A'.repeat(300)}`
  const r = await send(hub, 'TX', long)
  t.ok(r.body.replies[0]!.text.endsWith(long.slice(0, 100)), 'quotes exactly the first 100 characters')
})

t.test('JSON form, text replies, and HTTP-level bad input', async (t) => {
  const hub = await testHub(t, { bodyLimit: 2048 })
  const json = await send(hub, 'TX', { MessageKeyCodeText: 'RQ', OriginatingORIID: 'TX0020100', DestinationORIID: ['IL', 'WA'], Fields: [{ prefix: 'LIC', value: 'ABC123' }, { prefix: 'LIY', value: '2025' }, { prefix: 'LIT', value: 'PC' }] })
  t.equal(json.status, 200)
  t.same(json.body.decisions.map((d) => d.destination), ['IL', 'WA'])
  const text = await send(hub, 'TX', 'DQ.TX0020100.IL.CTRL000001.TXTOLN/D1234567', { accept: 'text/plain' })
  t.match(text.text, /^DR\.ILOLN0000\.CTRL000001\n\d\d:\d\d \d\d\/\d\d\/\d{4} \d{5}\n/, 'legacy text reply with the control field echoed')
  const big = await send(hub, 'TX', `DQ.TX0020100.IL.TXTOLN/${'A'.repeat(5000)}`)
  t.equal(big.status, 413, 'oversized body: 413')
  t.equal(big.body.replies[0]?.key, 'ER', 'still an ER in the message shape')
  const bad = await hub.app.inject({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'application/json', authorization: 'Bearer demo-TX' }, payload: '{"MessageKey' })
  t.equal(bad.statusCode, 400, 'broken JSON: 400')
  t.equal(bad.json().replies[0].key, 'ER')
  const xml = await hub.app.inject({ method: 'POST', url: '/v1/messages', headers: { 'content-type': 'application/xml', authorization: 'Bearer demo-TX' }, payload: '<NLETS/>' })
  t.equal(xml.statusCode, 415)
  t.equal(xml.json().replies[0].key, 'ER')
  const wrongShape = await send(hub, 'TX', { hello: 'world' })
  t.equal(wrongShape.status, 400, 'JSON of the wrong shape: 400 ER')
  t.equal(wrongShape.body.replies[0]?.key, 'ER')
})

t.test('lines own their ORIs: no spoofing, no unknown or inactive senders', async (t) => {
  const hub = await testHub(t)
  const noToken = await send(hub, null, 'DQ.TX0020100.IL.TXTOLN/D1')
  t.equal(noToken.status, 401)
  t.match(noToken.body.replies[0]?.text, /no bearer token/)
  const badToken = await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1', { authorization: 'Bearer nope' })
  t.equal(badToken.status, 401)
  const spoof = await send(hub, 'TX', 'DQ.VTICE0900.IL.TXTOLN/D1')
  t.equal(spoof.status, 403, 'TX line cannot send as ICE')
  t.match(spoof.body.replies[0]?.text, /belongs to line AX; this connection is line TX/)
  const spoof2 = await send(hub, 'AX', 'DQ.TX0020100.IL.TXTOLN/D1')
  t.equal(spoof2.status, 403, 'ICE line cannot send as a Texas police department (to get past a deny list)')
  const unknown = await send(hub, 'TX', 'DQ.TX9999999.IL.TXTOLN/D1')
  t.equal(unknown.status, 403)
  t.match(unknown.body.replies[0]?.text, /not in the directory/)
  const inactive = hub.ctx.store.current.directory.agencies.find((a) => !a.active)!
  const r = await send(hub, inactive.line, `DQ.${inactive.ori}.IL.TXTOLN/D1`)
  t.equal(r.status, 403)
  t.match(r.body.replies[0]?.text, /inactive/)
})

t.test('deny, redact and allow with the shipped policies', async (t) => {
  const hub = await testHub(t)
  const oln = hitFor('IL', 'DQ')
  const ice = await send(hub, 'AX', `DQ.VTICE0900.IL.TXTOLN/${oln}`)
  t.equal(ice.status, 200)
  t.same(ice.body.decisions, [{ destination: 'IL', effect: 'deny', rule: 'il-deny-ice', policyVersion: hub.ctx.store.current.version }])
  t.equal(ice.body.replies[0]?.status, 'denied')
  t.match(ice.body.replies[0]?.text, /ILLINOIS SECRETARY OF STATE DATA IS NOT AVAILABLE TO YOUR AGENCY/)
  t.notMatch(ice.body.replies[0]?.text, /NAM\//, 'no record data in a denial')

  const plate = hitFor('WA', 'RQ')
  const cbpWa = await send(hub, 'TC', `RQ.NYCBP0100.WA.TXTLIC/${plate}.LIY/2025.LIT/PC`)
  t.match(cbpWa.body.decisions[0], { destination: 'WA', effect: 'allow', rule: null })
  t.match(cbpWa.body.replies[0], { key: 'RR', from: 'WALIC0000', status: 'hit' })
  t.match(cbpWa.body.replies[0]?.text, /LIC\//)

  const cbpNy = await send(hub, 'TC', `RQ.NYCBP0100.NY.TXTLIC/${plate}.LIY/2025.LIT/PC`)
  t.match(cbpNy.body.decisions[0], { effect: 'deny', rule: 'ny-deny-immigration' })

  const local = await send(hub, 'TX', `DQ.TX0020100.IL.TXTOLN/${oln}.IMQ/Y`)
  t.match(local.body.decisions[0], { effect: 'allow' })
  t.ok(local.body.replies[0]?.image?.data.startsWith('iVBORw0KGgo'), 'a local police query with IMQ/Y gets the photo (a PNG)')
  t.match(local.body.replies[0]?.text, /ADR\//)

  const cbpIl = await send(hub, 'TC', `DQ.NYCBP0100.IL.TXTOLN/${oln}.IMQ/Y`)
  t.match(cbpIl.body.decisions[0], { effect: 'redact', rule: 'il-redact-photo-immigration' })
  t.equal(cbpIl.body.replies[0]?.status, 'hit', 'the record is still returned')
  t.equal(cbpIl.body.replies[0]?.image, undefined, 'without the photo')
  t.equal(cbpIl.body.replies[0]?.text.split('\nTXT\n')[1], local.body.replies[0]?.text.split('\nTXT\n')[1], 'same record text: only the photo is stripped')

  const both = await send(hub, 'AX', `DQ.VTICE0900.IL,WA,TX.TXTOLN/${oln}`)
  t.same(both.body.decisions.map((d) => [d.destination, d.effect]), [['IL', 'deny'], ['WA', 'deny'], ['TX', 'allow']],
    'the requester keeps getting answers from the states that allow it')
})

t.test('regions and multi-state (NL) queries', async (t) => {
  const hub = await testHub(t)
  const region = await send(hub, 'TX', 'RQG.TX0020100.E1.TXTLIC/ABC123.LIY/2025.LIT/PC')
  t.same(region.body.decisions.map((d) => d.destination), ['WI', 'IL', 'IN', 'MI', 'OH', 'MN'], 'E1 expands to its members, in table order')
  const mixed = await send(hub, 'TX', 'RQ.TX0020100.IL,E1,WA.TXTLIC/ABC123.LIY/2025.LIT/PC')
  t.same(mixed.body.decisions.map((d) => d.destination), ['IL', 'WI', 'IN', 'MI', 'OH', 'MN', 'WA'], 'duplicates collapse, first place kept')
  const nl = await send(hub, 'AX', 'RQ.VTICE0900.NL.TXTLIC/ABC123.LIY/2025.LIT/PC')
  t.equal(nl.body.replies.length, 1, 'one merged reply')
  const m = nl.body.replies[0]!
  t.match(m, { key: 'RR', from: 'NL0000000', status: 'summary' })
  t.equal(m.summary?.queried?.length, 54, 'every state serves RQ')
  t.same([...m.summary!.denied!].sort(), ['IL', 'MA', 'MN', 'NY', 'WA'], 'the blocking states deny ICE')
  t.equal(m.summary!.hit!.length + m.summary!.nohit!.length + m.summary!.denied!.length + m.summary!.noanswer!.length, 54)
  t.notMatch(m.text, /NO RECORD FOUND/, 'NO HIT replies are dropped')
  t.match(m.text, /STATES WITH NO HIT \(\d+\)/)
  const dnq = await send(hub, 'TX', 'DNQ.TX0020100.NL.TXTNAM/SMITH,JOHN')
  t.equal(dnq.status, 400, 'DNQ is not a multi-state key')
})
