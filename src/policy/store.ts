/**
 * @module policy/store
 * The live policy set with atomic reload: a reload that reports any error is
 * refused and the last good set stays in force; readers always see one whole
 * set (a single reference swap), never a mix. A reload reads and parses the
 * folder in a worker thread (load-thread.ts) and compiles on this one.
 */
import { type Diagnostic, formatDiagnostic, hasErrors } from '../diagnostics.js'
import { NsimError } from '../errors.js'
import type { CompiledPolicySet } from './compile.js'
import { type LoadOptions, loadPolicySet } from './load.js'
import { loadPolicySetOffThread } from './load-thread.js'

export interface ReloadResult {
  readonly ok: boolean
  /** Version in force after the call. */
  readonly version: string
  readonly previousVersion: string
  readonly diagnostics: readonly Diagnostic[]
}

export interface StoreOptions extends LoadOptions {
  /** Read and parse a reload in a worker thread (default true); false reads on the caller's thread. */
  readonly offThread?: boolean
}

export class PolicyStore {
  readonly dir: string
  readonly #opts: StoreOptions
  #current: CompiledPolicySet
  #reloads = 0
  #queue: Promise<unknown> = Promise.resolve()
  #failedReloads = 0

  private constructor (dir: string, opts: StoreOptions, set: CompiledPolicySet) {
    this.dir = dir
    this.#opts = opts
    this.#current = set
  }

  /**
   * Load the set. `strict` (what a server wants) refuses to start on any error;
   * otherwise broken states fail closed and the rest loads.
   */
  static async open (dir: string, opts: StoreOptions & { strict?: boolean } = {}): Promise<{ store: PolicyStore, diagnostics: Diagnostic[] }> {
    const loaded = await loadPolicySet(dir, opts)
    if (opts.strict === true && hasErrors(loaded.diagnostics)) {
      const first = loaded.diagnostics.filter((d) => d.severity === 'error').slice(0, 5).map(formatDiagnostic)
      throw new NsimError('NSIM_POLICY_SET_INVALID', dir, `\n${first.join('\n')}`)
    }
    return { store: new PolicyStore(dir, opts, loaded.set), diagnostics: loaded.diagnostics }
  }

  get current (): CompiledPolicySet { return this.#current }
  get stats (): { reloads: number, failedReloads: number } { return { reloads: this.#reloads, failedReloads: this.#failedReloads } }

  /**
   * Load the directory again (or `from`, a copy of a set published by another
   * hub; the store keeps its own directory); swap only if it loaded without any error.
   * Reloads run one at a time, in the order they were asked for: a slower
   * earlier load can never swap in over a later one.
   */
  async reload (from: string = this.dir): Promise<ReloadResult> {
    const run = this.#queue.then(async () => await this.#reloadNow(from))
    this.#queue = run.catch(() => undefined)
    return await run
  }

  async #reloadNow (dir: string): Promise<ReloadResult> {
    const previousVersion = this.#current.version
    // Read and parse in a worker thread: only the compile stalls the caller's event loop.
    const loaded = this.#opts.offThread === false ? await loadPolicySet(dir, this.#opts) : await loadPolicySetOffThread(dir, this.#opts)
    this.#reloads++
    if (hasErrors(loaded.diagnostics)) {
      this.#failedReloads++
      return { ok: false, version: previousVersion, previousVersion, diagnostics: loaded.diagnostics }
    }
    this.#current = loaded.set
    return { ok: true, version: loaded.set.version, previousVersion, diagnostics: loaded.diagnostics }
  }

  /** Swap in a set compiled elsewhere (benchmarks, scenarios). */
  replace (set: CompiledPolicySet): void {
    this.#current = set
  }
}
