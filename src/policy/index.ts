/**
 * @module policy
 * Public surface of the policy engine: parse -> compile -> decide, explain,
 * lint, tests, and the live store. Imports neither HTTP nor logging code.
 */
export { compilePolicySet, type CompiledPolicySet, CompiledState } from './compile.js'
export { decide, decideState } from './evaluate.js'
export { explain, type Explanation } from './explain.js'
export { lintPolicySet } from './lint.js'
export { loadPolicySet, makeSource, type PolicyLoad } from './load.js'
export { parseGroups, parseStatePolicy } from './parse.js'
export { referenceDecide, referenceTrace, type PolicySource } from './reference.js'
export { PolicyStore, type ReloadResult } from './store.js'
export { loadTestCases, runPolicyTests } from './test-runner.js'
export * from './types.js'
