/**
 * @module hub/console/lessons
 * The training console's built-in lessons: short scripts a trainer plays in
 * front of a class, each step an action (send a message, put a state in a
 * fault, ask what a policy decided on a date, read a line's inbox) with what
 * the class should observe and what the step must show, which the console
 * checks when it plays the step and test/hub/console/lessons.test.ts checks
 * against the shipped policies. Data only: no HTTP here.
 */

/** What one destination of a sent message must show (absent properties are not checked). */
export interface DestinationExpect {
  readonly state: string
  readonly effect?: 'allow' | 'deny' | 'redact'
  /** null: the state's default decided. */
  readonly rule?: string | null
  readonly status?: string
}

export type LessonStep =
  | { readonly kind: 'send', readonly say: string, readonly observe: string, readonly message: string, readonly expect: readonly DestinationExpect[] }
  | { readonly kind: 'fault', readonly say: string, readonly observe: string, readonly state: string, readonly mode: 'up' | 'down' | 'removed' }
  | {
    readonly kind: 'explain', readonly say: string, readonly observe: string, readonly ori: string, readonly state: string,
    readonly key: string, readonly time: string, readonly expect: { readonly effect: 'allow' | 'deny' | 'redact', readonly rule: string | null },
  }
  | { readonly kind: 'inbox', readonly say: string, readonly observe: string, readonly line: string, readonly expect: { readonly from: string, readonly atLeast: number } }

export interface Lesson {
  readonly id: string
  readonly title: string
  /** The question the lesson answers, as the trainer asks it. */
  readonly question: string
  readonly steps: readonly LessonStep[]
}

/** An identifier Illinois' simulated licence bureau has a record for (seed 2025): BROWN, CHRISTOPHER. */
const IL_OLN = 'D1234561'

export const LESSONS: readonly Lesson[] = Object.freeze([
  {
    id: 'ice-vs-cbp-illinois',
    title: 'ICE and CBP ask Illinois',
    question: 'Why is ICE\'s query to Illinois denied, and CBP\'s only stripped of the photo?',
    steps: [
      {
        kind: 'send', say: 'Send a licence query with a photo request from ICE\'s Law Enforcement Support Center (VTICE0900, line AX) to Illinois.',
        observe: 'Illinois denies it: rule il-deny-ice matches ICE-ERO. The reply is Illinois\' denial text, not data. The map shows IL denied.',
        message: `DQ.VTICE0900.IL.TXTOLN/${IL_OLN}.IMQ/Y`, expect: [{ state: 'IL', effect: 'deny', rule: 'il-deny-ice', status: 'denied' }],
      },
      {
        kind: 'send', say: 'Send the same query from a CBP port of entry in Arizona (AZCBP0100, line TC).',
        observe: 'CBP is not ICE: il-deny-ice does not match, but il-redact-photo-immigration does. The record comes back without the photo (redacted).',
        message: `DQ.AZCBP0100.IL.TXTOLN/${IL_OLN}.IMQ/Y`, expect: [{ state: 'IL', effect: 'redact', rule: 'il-redact-photo-immigration', status: 'hit' }],
      },
      {
        kind: 'send', say: 'Send it once more from a Texas police department (TX0020100, line TX).',
        observe: 'No rule of Illinois matches a local agency: the default (allow) decides and the full record, photo included, comes back.',
        message: `DQ.TX0020100.IL.TXTOLN/${IL_OLN}.IMQ/Y`, expect: [{ state: 'IL', effect: 'allow', rule: null, status: 'hit' }],
      },
    ],
  },
  {
    id: 'nl-while-ny-down',
    title: 'A multi-state query while New York is down',
    question: 'What does an NL query return when one state is out of service?',
    steps: [
      { kind: 'fault', say: 'Put New York down.', observe: 'The map shows NY as not answering once a message reaches it.', state: 'NY', mode: 'down' },
      {
        kind: 'send', say: 'Send a driver query by name to NL (every state) from a Texas police department.',
        observe: 'The query fans out to every state. New York cannot answer and a multi-state query is not stored and forwarded: NY shows not answering, the others answer; NO HITs are dropped from the merged reply.',
        message: 'DQ.TX0020100.NL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M',
        expect: [{ state: 'NY', effect: 'allow', status: 'noanswer' }, { state: 'AK', effect: 'allow', status: 'hit' }],
      },
      { kind: 'fault', say: 'Bring New York back up.', observe: 'Nothing waits for New York: a multi-state query was never queued.', state: 'NY', mode: 'up' },
    ],
  },
  {
    id: 'washington-nov-2025',
    title: 'Washington on 18 and 20 November 2025',
    question: 'Washington blocked ICE from 19 November 2025: what did its policy decide the day before and the day after?',
    steps: [
      {
        kind: 'explain', say: 'Ask what Washington decided for ICE (VTICE0900) on 18 November 2025.', observe: 'Rule wa-deny-ice is not in effect yet (from 2025-11-19): the default allows.',
        ori: 'VTICE0900', state: 'WA', key: 'DQ', time: '2025-11-18T12:00:00Z', expect: { effect: 'allow', rule: null },
      },
      {
        kind: 'explain', say: 'Ask the same for 20 November 2025.', observe: 'wa-deny-ice is in effect: denied.',
        ori: 'VTICE0900', state: 'WA', key: 'DQ', time: '2025-11-20T12:00:00Z', expect: { effect: 'deny', rule: 'wa-deny-ice' },
      },
      {
        kind: 'explain', say: 'And for CBP (AZCBP0100) on 20 November 2025.', observe: 'CBP keeps access to Washington: no rule matches, the default allows.',
        ori: 'AZCBP0100', state: 'WA', key: 'DQ', time: '2025-11-20T12:00:00Z', expect: { effect: 'allow', rule: null },
      },
      {
        kind: 'send', say: 'Now send ICE\'s query to Washington for real (today).', observe: 'Denied by wa-deny-ice, with Washington\'s denial text.',
        message: 'DQ.VTICE0900.WA.TXTOLN/D1234561', expect: [{ state: 'WA', effect: 'deny', rule: 'wa-deny-ice', status: 'denied' }],
      },
    ],
  },
  {
    id: 'store-and-forward',
    title: 'Illinois goes down: store and forward',
    question: 'What happens to a query for a state that is out of service, and where does its answer arrive?',
    steps: [
      { kind: 'fault', say: 'Put Illinois down.', observe: 'The states panel shows IL down.', state: 'IL', mode: 'down' },
      {
        kind: 'send', say: 'Send a licence query from a Texas police department to Illinois.',
        observe: 'The switch answers SM .02 (user out of service, Nlets will forward) and queues the query: IL shows queued, the queue depth grows.',
        message: `DQ.TX0020100.IL.TXTOLN/${IL_OLN}`, expect: [{ state: 'IL', effect: 'allow', status: 'queued' }],
      },
      { kind: 'fault', say: 'Bring Illinois back up.', observe: 'The switch forwards what waited: the queue empties.', state: 'IL', mode: 'up' },
      {
        kind: 'inbox', say: 'Look at line TX\'s inbox.', observe: 'Illinois\' answer arrived after recovery, in the sending line\'s inbox.',
        line: 'TX', expect: { from: 'ILOLN0000', atLeast: 1 },
      },
    ],
  },
  {
    id: 'regional-query',
    title: 'A regional query from ICE',
    question: 'Which states does a DQG to region E1 reach, and what does each decide?',
    steps: [
      {
        kind: 'send', say: 'Send a DQG (regional driver query by name) from ICE (VTICE0900) to region E1 (Great Lakes).',
        observe: 'E1 becomes six states; each receives the query as DQ. Illinois and Minnesota deny ICE, the others answer.',
        message: 'DQG.VTICE0900.E1.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M',
        expect: [
          { state: 'IL', effect: 'deny', rule: 'il-deny-ice', status: 'denied' }, { state: 'MN', effect: 'deny', rule: 'mn-deny-ice', status: 'denied' },
          { state: 'WI', effect: 'allow', rule: null },
        ],
      },
    ],
  },
] satisfies Lesson[])
