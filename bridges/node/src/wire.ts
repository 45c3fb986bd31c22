/**
 * The contract's generated messages, and the only module besides the bridge
 * (connection.ts, errors.ts, runtime.ts) that touches them. See scripts/gen-proto.
 */
import './protobuf-setup.ts'
import { stephost } from './gen/stephost.js'

export const v1 = stephost.v1
export type HostMessage = stephost.v1.HostMessage.$Properties
export type RuntimeMessage = stephost.v1.RuntimeMessage.$Properties
export type Invocation = stephost.v1.Invocation.$Properties
export type InvocationResult = stephost.v1.InvocationResult.$Properties
export type HostCall = stephost.v1.HostCall.$Properties
export type HostCallReply = stephost.v1.HostCallReply.$Properties
export type WireError = stephost.v1.StepError.$Properties
export type Hello = stephost.v1.Hello.$Properties
export type Welcome = stephost.v1.Welcome.$Properties

export const TRIGGER_API = stephost.v1.Trigger.TRIGGER_API
export const TRIGGER_EVENT = stephost.v1.Trigger.TRIGGER_EVENT
export const TRIGGER_CRON = stephost.v1.Trigger.TRIGGER_CRON

/** A 64-bit field as a number (protobuf-setup.ts makes them numbers already). */
export function num(value: number | { toNumber(): number } | null | undefined): number {
  if (value == null) return 0
  return typeof value === 'number' ? value : value.toNumber()
}
