import t from 'tap'
import type { Audit, AuditRecord } from '../../src/hub/audit.js'
import { AuditTap } from '../../src/hub/audit-tap.js'

const record = (id: string): AuditRecord => ({ kind: 'refusal', id, key: null, ori: null, line: null, httpStatus: 400, code: '.14', reason: 'x' })

t.test('no listener: the audit\'s own write; listeners see every record, and leave', async (t) => {
  const written: string[] = []
  const inner: Audit = { write: (r) => { written.push(r.id) }, written: async () => {}, flush: async () => {}, close: async () => {} }
  const tap = new AuditTap(inner)
  t.equal(tap.write, inner.write, 'nothing in between while nobody listens')
  const a: string[] = []
  const b: string[] = []
  const stopA = tap.listen((r) => { a.push(r.id) })
  const stopB = tap.listen((r) => { b.push(r.id); throw new Error('a listener that fails') })
  tap.write(record('1'))
  stopA()
  tap.write(record('2'))
  stopB()
  tap.write(record('3'))
  t.same(written, ['1', '2', '3'], 'the audit gets every record, a failing listener notwithstanding')
  t.same(a, ['1'])
  t.same(b, ['1', '2'])
  t.equal(tap.listening, 0)
  t.equal(tap.write, inner.write, 'the plain write is back')
})
