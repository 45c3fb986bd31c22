// A failure as the language reported it: code, message, and the stack in that
// language's own format, with each frame's file:line picked out (the project's frames
// bright, the runtime's and libraries' dimmed).
import type { ErrorInfo } from '../api/client'
import { LanguageBadge } from './common'

type Frame = { file: string; line: string } | null

const FRAME_PATTERNS: RegExp[] = [
  /File "([^"]+)", line (\d+)/, // Python
  /\(?(?:file:\/\/)?(\/[^\s()]+?):(\d+):\d+\)?$/, // Node
  /^\s*(?:from\s+)?([^\s:]+\.rb):(\d+):in/, // Ruby
]

const LIBRARY = /(node_modules|site-packages|dist-packages|\/stephost\/|bridges\/|\/lib\/ruby\/|node:internal|<frozen)/

export function frameOf(text: string): Frame {
  for (const pattern of FRAME_PATTERNS) {
    const match = pattern.exec(text)
    if (match?.[1] && match[2]) return { file: match[1], line: match[2] }
  }
  return null
}

export function Stack({ error, project = '' }: { error: ErrorInfo; project?: string }) {
  const lines = (error.stack || '').split('\n').filter((line) => line.trim() !== '')
  return (
    <div className="failure" data-testid="failure">
      <div className="failure-head">
        <span className="badge status status-error">{error.code}</span>
        <LanguageBadge language={error.language} />
        {error.type && <span className="mono">{error.type}</span>}
        {error.step && <span className="muted">in {error.step}</span>}
        {!error.retryable && <span className="muted">· not retryable</span>}
      </div>
      <div className="failure-message" data-testid="failure-message">
        {error.message}
      </div>
      {lines.length > 0 ? (
        <pre className="stack" data-testid="stack">
          {lines.map((line, i) => {
            const frame = frameOf(line)
            if (!frame) return <div key={i}>{line}</div>
            const own = !LIBRARY.test(frame.file)
            const shown = project && frame.file.startsWith(project + '/') ? frame.file.slice(project.length + 1) : frame.file
            return (
              <div key={i} className={own ? 'frame own' : 'frame lib'}>
                {line}
                {own && (
                  <span className="frame-at" data-testid="frame">
                    {shown}:{frame.line}
                  </span>
                )}
              </div>
            )
          })}
        </pre>
      ) : (
        <div className="muted">No stack: the host refused this before any handler ran.</div>
      )}
      {error.cause && (
        <details>
          <summary>cause</summary>
          <Stack error={error.cause as ErrorInfo} project={project} />
        </details>
      )}
    </div>
  )
}
