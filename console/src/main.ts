/**
 * @module console/main
 * The training console's entry point: reads how the hub runs (local with demo
 * tokens, or production with a line token to enter), then wires the panels.
 */
import { api, type ConsoleConfig, setConfig, setToken } from './api.js'
import { currentLine, initCompose } from './compose.js'
import { byId, h } from './dom.js'
import { initFaults } from './faults.js'
import { initInbox, refreshInbox, setInboxLine } from './inbox.js'
import { initLessons } from './lessons.js'
import { initLive } from './live.js'
import { initMap, renderMap } from './map.js'
import { initTrace, renderAnswer } from './trace-view.js'
import type { MessageAnswer } from './types.js'

function sent (a: MessageAnswer, line: string): void {
  renderAnswer(a)
  renderMap(a)
  setInboxLine(line)
  void refreshInbox()
}

async function start (): Promise<void> {
  const config = await api<ConsoleConfig>('/v1/console/config')
  setConfig(config)
  const mode = byId('mode')
  mode.textContent = config.mode === 'local'
    ? 'Local hub: no login, every line sends with its demo token.'
    : 'Production hub: enter your line token; messages go as your line\'s agencies only.'
  if (!config.demoTokens) {
    const form = byId<HTMLFormElement>('token-form')
    form.hidden = false
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      setToken(byId<HTMLInputElement>('token').value)
      void boot()
    })
  }
  if (!config.operator) {
    byId('ops-off').hidden = false
    byId('ops-on').hidden = true
    byId('live-panel').hidden = true
  }
  initTrace()
  initMap()
  initInbox()
  if (config.operator) { initFaults(); initLive() }
  if (config.demoTokens) await boot()
}

let booted = false
/** The panels that read from the hub with a line token (locally at once; in production once a token is entered). */
async function boot (): Promise<void> {
  if (booted) return
  booted = true
  try {
    await initCompose(sent)
    setInboxLine(currentLine())
    await initLessons(sent)
  } catch (err) {
    // A wrong token: say so, and let the user enter another.
    booted = false
    byId('mode').textContent = `The hub refused: ${(err as Error).message}`
  }
}

start().catch((err: Error) => {
  document.body.prepend(h('p', { class: 'bad', role: 'alert' }, `The console could not start: ${err.message}`))
})
