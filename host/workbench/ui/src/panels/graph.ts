// The flow graph's model: steps as nodes, topics as edges from `emits` to `subscribes`,
// and a small node for a topic nobody in view emits or subscribes to. Laid out by ELK's
// layered algorithm (left to right, in the direction messages flow), with the edge
// labels placed by the layout too; positions the user saved win.
import ELK from 'elkjs/lib/elk.bundled.js'
import type { Step } from '../api/client'

export const NODE_WIDTH = 230
export const NODE_HEIGHT = 104
export const TOPIC_WIDTH = 150
export const TOPIC_HEIGHT = 36
export const ALL_FLOWS = '*'

export type GraphNode = {
  id: string
  kind: 'step' | 'topic'
  step?: Step
  topic?: string
  role?: 'unconsumed' | 'external'
}
export type GraphEdge = { id: string; source: string; target: string; topic: string }
export type Point = { x: number; y: number }

export function flowsOf(steps: Step[]): string[] {
  return [...new Set(steps.flatMap((s) => s.flows))].sort()
}

export function stepsIn(steps: Step[], flow: string): Step[] {
  return flow === ALL_FLOWS ? steps : steps.filter((s) => s.flows.includes(flow))
}

export function buildGraph(steps: Step[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = steps.map((step) => ({ id: step.name, kind: 'step', step }))
  const edges: GraphEdge[] = []
  const subscribers = new Map<string, Step[]>()
  for (const step of steps) {
    for (const topic of step.subscribes ?? []) {
      subscribers.set(topic, [...(subscribers.get(topic) ?? []), step])
    }
  }
  const emitted = new Set<string>()
  for (const step of steps) {
    for (const topic of step.emits) {
      emitted.add(topic)
      const targets = subscribers.get(topic) ?? []
      if (targets.length === 0) {
        const id = `topic:${topic}`
        if (!nodes.some((n) => n.id === id)) nodes.push({ id, kind: 'topic', topic, role: 'unconsumed' })
        edges.push({ id: `${step.name}->${id}`, source: step.name, target: id, topic })
      }
      for (const target of targets) {
        edges.push({ id: `${step.name}->${target.name}:${topic}`, source: step.name, target: target.name, topic })
      }
    }
  }
  for (const [topic, targets] of subscribers) {
    if (emitted.has(topic)) continue
    const id = `topic:${topic}`
    nodes.push({ id, kind: 'topic', topic, role: 'external' })
    for (const target of targets) {
      edges.push({ id: `${id}->${target.name}`, source: id, target: target.name, topic })
    }
  }
  return { nodes, edges }
}

const elk = new ELK()

export async function layout(nodes: GraphNode[], edges: GraphEdge[]): Promise<Map<string, Point>> {
  const result = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '110',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeLabel': '6',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.edgeLabels.placement': 'CENTER',
    },
    children: nodes.map((n) => ({
      id: n.id,
      width: n.kind === 'step' ? NODE_WIDTH : TOPIC_WIDTH,
      height: n.kind === 'step' ? NODE_HEIGHT : TOPIC_HEIGHT,
    })),
    edges: edges.map((e) => ({
      id: e.id,
      sources: [e.source],
      targets: [e.target],
      labels: [{ text: e.topic, width: e.topic.length * 7 + 12, height: 18 }],
    })),
  })
  const positions = new Map<string, Point>()
  for (const child of result.children ?? []) {
    positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 })
  }
  return positions
}
