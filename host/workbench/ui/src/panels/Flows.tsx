// Flows: the project as a graph (steps, and topics between them), with live counters on
// every node. Dragged nodes stay where they were put (saved in the project); clicking a
// node opens its config, schemas, file and recent invocations.
import {
  applyNodeChanges,
  Background,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { api, ok, type Layout, type LiveCounters, type Step } from '../api/client'
import { Empty, ErrorBanner, LanguageBadge, TypeBadge, errorMessage } from '../components/common'
import { useAllowed, useGate } from '../components/Session'
import { useSocket } from '../live'
import { useStore } from '../store'
import { ALL_FLOWS, buildGraph, flowsOf, layout, stepsIn, type Point } from './graph'
import { StepDetail } from './StepDetail'

type StepData = { step: Step }
type TopicData = { topic: string; role: string }

function StepNode({ data }: NodeProps<Node<StepData>>) {
  const { step } = data
  const counters = useStore((s) => s.counters[step.name])
  const down = useStore((s) => s.unavailable.includes(step.name))
  return (
    <div
      className={`step-node type-${step.type}${down ? ' unavailable' : ''}`}
      data-testid="step-node"
      data-step={step.name}
      data-language={step.language}
      data-type={step.type}
      data-available={down ? 'false' : 'true'}
      title={down ? 'no runtime now: it is restarting (requests get 503, events wait in the queue)' : undefined}
    >
      <Handle type="target" position={Position.Left} />
      <div className="step-node-head">
        <TypeBadge type={step.type} />
        <LanguageBadge language={step.language} />
      </div>
      <div className="step-node-name">{step.name}</div>
      <div className="step-node-trigger mono">
        {step.type === 'api' ? `${step.method} ${step.path}` : step.type === 'cron' ? step.cron : (step.subscribes ?? []).join(', ')}
      </div>
      <div className="counters" data-testid="counters">
        <span title="handled" className="c-handled">✓ {counters?.handled ?? 0}</span>
        <span title="failed" className="c-failed">✗ {counters?.failed ?? 0}</span>
        <span title="in flight" className="c-flight">▶ {counters?.inFlight ?? 0}</span>
        <span title="queued" className="c-queued">☰ {counters?.queued ?? 0}</span>
        <span title="dead letters" className="c-dead">☠ {counters?.dead ?? 0}</span>
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  )
}

function TopicNode({ data }: NodeProps<Node<TopicData>>) {
  return (
    <div className="topic-node" data-testid="topic-node" title={data.role === 'unconsumed' ? 'no step subscribes to this topic' : 'no step emits this topic (emitted from outside)'}>
      <Handle type="target" position={Position.Left} />
      <span className="mono">{data.topic}</span>
      <Handle type="source" position={Position.Right} />
    </div>
  )
}

const nodeTypes = { step: StepNode, topic: TopicNode }

export function FlowsPanel() {
  const steps = useStore((s) => s.steps)
  const problems = useStore((s) => s.problems)
  const setCounters = useStore((s) => s.setCounters)
  const setConnection = useStore((s) => s.setCountersConnection)
  const flows = useMemo(() => flowsOf(steps), [steps])
  const [flow, setFlow] = useState(ALL_FLOWS)
  const [saved, setSaved] = useState<Layout>({ flows: {} })
  const [auto, setAuto] = useState<{ of: unknown; positions: Map<string, Point> } | null>(null)
  const [selected, setSelected] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const canPin = useAllowed('admin') // the layout is a setting of the project
  const admin = useGate('admin')

  useSocket('/_stephost/live/counters', (message) => setCounters((message as LiveCounters).steps), setConnection)

  useEffect(() => {
    ok(api.GET('/_stephost/layout')).then(setSaved, (e) => setError(`the saved layout could not be read: ${errorMessage(e)}`))
  }, [])

  const graph = useMemo(() => buildGraph(stepsIn(steps, flow)), [steps, flow])

  useEffect(() => {
    let current = true
    layout(graph.nodes, graph.edges).then(
      (positions) => current && setAuto({ of: graph, positions }),
      (e) => setError(e),
    )
    return () => {
      current = false
    }
  }, [graph])

  const laidOut = auto !== null && auto.of === graph
  // Built once per layout: the graph view keeps its own copy while the user drags.
  const initialNodes: Node[] = useMemo(() => {
    if (auto === null || auto.of !== graph) return []
    const pinned = saved.flows[flow] ?? {}
    return graph.nodes.map((n) => ({
      id: n.id,
      type: n.kind,
      position: pinned[n.id] ?? auto.positions.get(n.id) ?? { x: 0, y: 0 },
      data: n.kind === 'step' ? { step: n.step } : { topic: n.topic, role: n.role },
    }))
  }, [auto, graph, flow, saved])

  const edges: Edge[] = useMemo(
    () =>
      graph.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        label: e.topic,
        type: 'smoothstep',
        markerEnd: { type: MarkerType.ArrowClosed },
        className: 'topic-edge',
      })),
    [graph],
  )

  const save = useCallback(
    async (moved: Node[]) => {
      const pinned = { ...(saved.flows[flow] ?? {}) }
      for (const node of moved) pinned[node.id] = { x: Math.round(node.position.x), y: Math.round(node.position.y) }
      const next = { flows: { ...saved.flows, [flow]: pinned } }
      setSaved(next)
      try {
        setSaved(await ok(api.PUT('/_stephost/layout', { body: next })))
        setError(null)
      } catch (e) {
        setError(`the position could not be saved: ${errorMessage(e)}`)
      }
    },
    [saved, flow],
  )

  const resetLayout = async () => {
    const rest = { ...saved.flows }
    delete rest[flow]
    try {
      setSaved(await ok(api.PUT('/_stephost/layout', { body: { flows: rest } })))
    } catch (e) {
      setError(e)
    }
  }

  if (steps.length === 0) {
    return (
      <Empty title="No steps yet">
        Add a step file under <code>steps/</code> (<code>*_step.py</code>, <code>*.step.ts</code>,{' '}
        <code>*_step.rb</code>) and it appears here; <code>stephost dev</code> picks it up as you save.
        {problems.length > 0 && ' Some files did not load: see the problems below.'}
      </Empty>
    )
  }

  return (
    <div className="flows">
      <div className="toolbar">
        <label>
          Flow{' '}
          <select value={flow} onChange={(e) => setFlow(e.target.value)} data-testid="flow-picker">
            <option value={ALL_FLOWS}>All steps ({steps.length})</option>
            {flows.map((f) => (
              <option key={f} value={f}>
                {f} ({stepsIn(steps, f).length})
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {canPin ? "Drag a node to pin it (saved in the project's stephost.workbench.json)." : 'Pinning nodes where you drag them needs the admin role.'}
        </span>
        {saved.flows[flow] && (
          <button onClick={resetLayout} {...admin} data-testid="reset-layout">
            Reset layout
          </button>
        )}
        <ErrorBanner error={error} />
      </div>
      <div className="graph" data-testid="flow-graph">
        {!laidOut && <div className="muted overlay">Laying out…</div>}
        {laidOut && (
          <GraphView
            key={`${flow}:${saved.flows[flow] === undefined}`}
            initialNodes={initialNodes}
            edges={edges}
            draggable={canPin}
            onMoved={(moved) => void save(moved)}
            onSelect={setSelected}
          />
        )}
      </div>
      {selected && <StepDetail name={selected} onClose={() => setSelected(null)} />}
    </div>
  )
}

function GraphView({
  initialNodes,
  edges,
  draggable,
  onMoved,
  onSelect,
}: {
  initialNodes: Node[]
  edges: Edge[]
  draggable: boolean
  onMoved: (moved: Node[]) => void
  onSelect: (name: string) => void
}) {
  const [nodes, setNodes] = useState(initialNodes)
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      onNodesChange={(changes) => setNodes((current) => applyNodeChanges(changes, current))}
      onNodeDragStop={(_event, _node, moved) => onMoved(moved)}
      onNodeClick={(_event, node) => node.type === 'step' && onSelect(node.id)}
      nodesConnectable={false}
      nodesDraggable={draggable}
      fitView
      fitViewOptions={{ padding: 0.15 }}
      minZoom={0.2}
      proOptions={{ hideAttribution: true }}
    >
      <Background />
      <Controls showInteractive={false} />
    </ReactFlow>
  )
}
