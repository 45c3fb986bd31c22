// Hooks for the host's live feeds (WebSockets that reconnect by themselves) and for
// views that refresh on a timer while they are shown.
import { useEffect, useRef } from 'react'
import { socketProtocols, socketUrl } from './api/client'
import { useStore, type Connection } from './store'

/**
 * Keeps a WebSocket to `path` open while the component is mounted: `onMessage` gets each
 * parsed message; `greeting` (if any) is sent on every (re)connection. It carries the
 * signed-in token as a subprotocol; a socket refused before it opened (the browser does
 * not say why) makes the store ask the host whether the token still holds.
 */
export function useSocket(
  path: string | null,
  onMessage: (message: unknown) => void,
  onState: (state: Connection) => void,
  greeting?: unknown,
): React.RefObject<WebSocket | null> {
  const socket = useRef<WebSocket | null>(null)
  const handler = useRef(onMessage)
  handler.current = onMessage
  const greet = useRef(greeting)
  greet.current = greeting
  useEffect(() => {
    if (path === null) return
    let stopped = false
    let retry = 250
    let timer: ReturnType<typeof setTimeout> | undefined
    const connect = () => {
      onState('connecting')
      const ws = new WebSocket(socketUrl(path), socketProtocols())
      socket.current = ws
      let opened = false
      ws.onopen = () => {
        opened = true
        retry = 250
        onState('open')
        if (greet.current !== undefined) ws.send(JSON.stringify(greet.current))
      }
      ws.onmessage = (event) => handler.current(JSON.parse(String(event.data)))
      ws.onclose = () => {
        socket.current = null
        if (stopped) return
        if (!opened) void useStore.getState().checkSession()
        onState('closed')
        timer = setTimeout(connect, retry)
        retry = Math.min(retry * 2, 5000)
      }
    }
    connect()
    return () => {
      stopped = true
      clearTimeout(timer)
      socket.current?.close()
    }
  }, [path, onState])
  return socket
}

/** Calls `load` now and every `ms` while mounted (and the page is visible). */
export function usePolling(load: () => void | Promise<void>, ms: number, deps: unknown[]): void {
  const current = useRef(load)
  current.current = load
  useEffect(() => {
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      if (!document.hidden) {
        try {
          await current.current()
        } catch {
          // the view shows its own error; keep polling
        }
      }
      if (!stopped) timer = setTimeout(tick, ms)
    }
    void tick()
    return () => {
      stopped = true
      clearTimeout(timer)
    }
  }, deps) // the caller names what restarts the polling
}
