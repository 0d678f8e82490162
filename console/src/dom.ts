/**
 * @module console/dom
 * Small DOM helpers: build elements (text is always set as text, never as
 * HTML), find them by id, announce to screen readers.
 */

type Attrs = Record<string, string | number | boolean | undefined>

/** An element with attributes (false/undefined left out) and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attrs: Attrs = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue
    el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children) el.append(c)
  return el
}

const SVG_NS = 'http://www.w3.org/2000/svg'

export function svg (tag: string, attrs: Attrs = {}, ...children: Array<Node | string>): SVGElement {
  const el = document.createElementNS(SVG_NS, tag)
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== false) el.setAttribute(k, String(v))
  for (const c of children) el.append(c)
  return el
}

export function byId<T extends HTMLElement = HTMLElement> (id: string): T {
  const el = document.getElementById(id)
  if (el === null) throw new Error(`no element #${id}`)
  return el as T
}

/** Replace an element's children. */
export function fill (el: Element, ...children: Array<Node | string>): void {
  el.replaceChildren(...children)
}
