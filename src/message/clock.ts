/**
 * @module message/clock
 * The clock stamps and 5-digit counters of the output header. Nlets stamps each
 * message on entry and exit and keeps a running count per line (DOMAIN.md 1.1,
 * https://wiki.nlets.org/index.php/Section_03:_Message_Structure). Times are
 * passed in, never read here, so replies are deterministic under test.
 */

/**
 * Default zone: America/Phoenix, which is Mountain Standard Time all year. Nlets'
 * RAND log keeps Mountain Standard Time (DOMAIN.md 3.6,
 * https://wiki.nlets.org/index.php/Section_10:_Random_Access_to_Nlets_Data_(RAND)),
 * and Phoenix has no daylight saving, so the stamps never jump an hour.
 */
export const DEFAULT_TIME_ZONE = 'America/Phoenix'

/** Counters are 5 digits: they run 00000-99999 and wrap like an odometer. */
export const SEQ_MODULUS = 100_000

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter (timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (f === undefined) {
    // Throws RangeError for an unknown zone: a configuration error, found on first use.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** Last minute formatted per zone: every reply stamps two clocks, nearly always in the current minute. */
const lastMinute = new Map<string, { minute: number, text: string }>()

/** `HH:MM MM/DD/YYYY` in `timeZone`, as in `08:00 01/01/2010`. */
export function formatClock (at: Date, timeZone = DEFAULT_TIME_ZONE): string {
  return formatClockMs(at.getTime(), timeZone)
}

/** `formatClock` of a time in epoch milliseconds (no Date built unless the minute is new). */
export function formatClockMs (ms: number, timeZone = DEFAULT_TIME_ZONE): string {
  const minute = Math.floor(ms / 60_000)
  const last = lastMinute.get(timeZone)
  if (last !== undefined && last.minute === minute) return last.text
  const parts: Record<string, string> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value
  const text = `${parts.hour}:${parts.minute} ${parts.month}/${parts.day}/${parts.year}`
  lastMinute.set(timeZone, { minute, text })
  return text
}

/** A counter value as 5 digits, wrapped into 00000-99999. */
export function formatSeq (n: number): string {
  const wrapped = ((Math.trunc(n) % SEQ_MODULUS) + SEQ_MODULUS) % SEQ_MODULUS
  return String(wrapped).padStart(5, '0')
}

/**
 * Running 5-digit counters, one per line (a member line, an ORI, whatever the
 * caller keys by). The first message on a line is 00001; 99999 is followed by 00000.
 */
export class LineCounters {
  readonly #counts = new Map<string, number>()

  /** Counts one more message on `line` and returns its number. */
  next (line: string): number {
    const n = ((this.#counts.get(line) ?? 0) + 1) % SEQ_MODULUS
    this.#counts.set(line, n)
    return n
  }

  /** The last number given on `line`, 0 before the first. */
  current (line: string): number {
    return this.#counts.get(line) ?? 0
  }
}
