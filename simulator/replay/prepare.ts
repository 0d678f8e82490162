/**
 * @module simulator/replay/prepare
 * Everything a replay thread needs, built the same way in every thread from
 * the scenario: the compiled policy set, its replay tables and the traffic
 * model. (Compiling per thread is cheaper than shipping compiled structures.)
 */
import type { CompiledPolicySet } from '../../src/policy/compile.js'
import { type Scenario, scenarioPolicySet } from '../scenarios/load.js'
import { loadCalibration } from '../traffic/calibration.js'
import { buildModel, type TrafficModel } from '../traffic/model.js'
import type { KernelContext } from './kernel.js'
import { buildTables, type DestinationTable } from './tables.js'

export interface Prepared extends KernelContext {
  readonly scenario: Scenario
  readonly set: CompiledPolicySet
  readonly model: TrafficModel
  readonly tables: readonly DestinationTable[]
}

export async function prepare (scenario: Scenario): Promise<Prepared> {
  const set = await scenarioPolicySet(scenario)
  const model = buildModel(set.directory, loadCalibration(), scenario.traffic)
  return { scenario, set, model, tables: buildTables(set), seed: scenario.seed, start: scenario.start }
}
