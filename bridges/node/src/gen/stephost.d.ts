// Generated from proto/stephost/v1 by bridges/node/scripts/gen-proto. Do not edit.
import * as $protobuf from "protobufjs/minimal.js";
import Long = require("long");

/** Namespace stephost. */
export namespace stephost {

    /** Namespace v1. */
    namespace v1 {

        /**
         * Properties of a HostCall.
         * @deprecated Use stephost.v1.HostCall.$Properties instead.
         */
        interface IHostCall extends stephost.v1.HostCall.$Properties {
        }

        /** Represents a HostCall. */
        class HostCall {

            /**
             * Constructs a new HostCall.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.HostCall.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** HostCall callId. */
            callId: (number|Long);

            /** HostCall invocationId. */
            invocationId: (number|Long);

            /** HostCall emit. */
            emit?: (stephost.v1.EmitRequest.$Properties|null);

            /** HostCall stateGet. */
            stateGet?: (stephost.v1.StateGetRequest.$Properties|null);

            /** HostCall stateSet. */
            stateSet?: (stephost.v1.StateSetRequest.$Properties|null);

            /** HostCall stateDelete. */
            stateDelete?: (stephost.v1.StateDeleteRequest.$Properties|null);

            /** HostCall stateList. */
            stateList?: (stephost.v1.StateListRequest.$Properties|null);

            /** HostCall stateClear. */
            stateClear?: (stephost.v1.StateClearRequest.$Properties|null);

            /** HostCall streamSet. */
            streamSet?: (stephost.v1.StreamSetRequest.$Properties|null);

            /** HostCall streamDelete. */
            streamDelete?: (stephost.v1.StreamDeleteRequest.$Properties|null);

            /** HostCall streamSend. */
            streamSend?: (stephost.v1.StreamSendRequest.$Properties|null);

            /** HostCall log. */
            log?: (stephost.v1.LogRecord.$Properties|null);

            /** HostCall streamGet. */
            streamGet?: (stephost.v1.StreamGetRequest.$Properties|null);

            /** HostCall streamList. */
            streamList?: (stephost.v1.StreamListRequest.$Properties|null);

            /** HostCall call. */
            call?: ("emit"|"stateGet"|"stateSet"|"stateDelete"|"stateList"|"stateClear"|"streamSet"|"streamDelete"|"streamSend"|"log"|"streamGet"|"streamList");

            /**
             * Encodes the specified HostCall message. Does not implicitly {@link stephost.v1.HostCall.verify|verify} messages.
             * @param message HostCall message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.HostCall.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a HostCall message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.HostCall & stephost.v1.HostCall.$Shape} HostCall
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.HostCall & stephost.v1.HostCall.$Shape;
        }

        namespace HostCall {

            /** Properties of a HostCall. */
            interface $Properties {

                /** HostCall callId */
                callId?: (number|Long|null);

                /** HostCall invocationId */
                invocationId?: (number|Long|null);

                /** HostCall emit */
                emit?: (stephost.v1.EmitRequest.$Properties|null);

                /** HostCall stateGet */
                stateGet?: (stephost.v1.StateGetRequest.$Properties|null);

                /** HostCall stateSet */
                stateSet?: (stephost.v1.StateSetRequest.$Properties|null);

                /** HostCall stateDelete */
                stateDelete?: (stephost.v1.StateDeleteRequest.$Properties|null);

                /** HostCall stateList */
                stateList?: (stephost.v1.StateListRequest.$Properties|null);

                /** HostCall stateClear */
                stateClear?: (stephost.v1.StateClearRequest.$Properties|null);

                /** HostCall streamSet */
                streamSet?: (stephost.v1.StreamSetRequest.$Properties|null);

                /** HostCall streamDelete */
                streamDelete?: (stephost.v1.StreamDeleteRequest.$Properties|null);

                /** HostCall streamSend */
                streamSend?: (stephost.v1.StreamSendRequest.$Properties|null);

                /** HostCall log */
                log?: (stephost.v1.LogRecord.$Properties|null);

                /** HostCall streamGet */
                streamGet?: (stephost.v1.StreamGetRequest.$Properties|null);

                /** HostCall streamList */
                streamList?: (stephost.v1.StreamListRequest.$Properties|null);

                /** HostCall call */
                call?: ("emit"|"stateGet"|"stateSet"|"stateDelete"|"stateList"|"stateClear"|"streamSet"|"streamDelete"|"streamSend"|"log"|"streamGet"|"streamList");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a HostCall. */
            type $Shape = {
              callId?: number|Long|null;
              invocationId?: number|Long|null;
              emit?: stephost.v1.EmitRequest.$Shape|null;
              stateGet?: stephost.v1.StateGetRequest.$Shape|null;
              stateSet?: stephost.v1.StateSetRequest.$Shape|null;
              stateDelete?: stephost.v1.StateDeleteRequest.$Shape|null;
              stateList?: stephost.v1.StateListRequest.$Shape|null;
              stateClear?: stephost.v1.StateClearRequest.$Shape|null;
              streamSet?: stephost.v1.StreamSetRequest.$Shape|null;
              streamDelete?: stephost.v1.StreamDeleteRequest.$Shape|null;
              streamSend?: stephost.v1.StreamSendRequest.$Shape|null;
              log?: stephost.v1.LogRecord.$Shape|null;
              streamGet?: stephost.v1.StreamGetRequest.$Shape|null;
              streamList?: stephost.v1.StreamListRequest.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ call?: undefined; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; log?: null; streamGet?: null; streamList?: null }|{ call?: "emit"; emit: stephost.v1.EmitRequest.$Shape; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; log?: null; streamGet?: null; streamList?: null }|{ call?: "stateGet"; emit?: null; stateGet: stephost.v1.StateGetRequest.$Shape; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; log?: null; streamGet?: null; streamList?: null }|{ call?: "stateSet"; emit?: null; stateGet?: null; stateSet: stephost.v1.StateSetRequest.$Shape; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; log?: null; streamGet?: null; streamList?: null }|{ call?: "stateDelete"; emit?: null; stateGet?: null; stateSet?: null; stateDelete: stephost.v1.StateDeleteRequest.$Shape; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; log?: null; streamGet?: null; streamList?: null }|{ call?: "stateList"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList: stephost.v1.StateListRequest.$Shape; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; log?: null; streamGet?: null; streamList?: null }|{ call?: "stateClear"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear: stephost.v1.StateClearRequest.$Shape; streamSet?: null; streamDelete?: null; streamSend?: null; log?: null; streamGet?: null; streamList?: null }|{ call?: "streamSet"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet: stephost.v1.StreamSetRequest.$Shape; streamDelete?: null; streamSend?: null; log?: null; streamGet?: null; streamList?: null }|{ call?: "streamDelete"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete: stephost.v1.StreamDeleteRequest.$Shape; streamSend?: null; log?: null; streamGet?: null; streamList?: null }|{ call?: "streamSend"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend: stephost.v1.StreamSendRequest.$Shape; log?: null; streamGet?: null; streamList?: null }|{ call?: "log"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; log: stephost.v1.LogRecord.$Shape; streamGet?: null; streamList?: null }|{ call?: "streamGet"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; log?: null; streamGet: stephost.v1.StreamGetRequest.$Shape; streamList?: null }|{ call?: "streamList"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; log?: null; streamGet?: null; streamList: stephost.v1.StreamListRequest.$Shape })
            );
        }

        /**
         * Properties of a HostCallReply.
         * @deprecated Use stephost.v1.HostCallReply.$Properties instead.
         */
        interface IHostCallReply extends stephost.v1.HostCallReply.$Properties {
        }

        /** Represents a HostCallReply. */
        class HostCallReply {

            /**
             * Constructs a new HostCallReply.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.HostCallReply.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** HostCallReply callId. */
            callId: (number|Long);

            /** HostCallReply emit. */
            emit?: (stephost.v1.EmitResponse.$Properties|null);

            /** HostCallReply stateGet. */
            stateGet?: (stephost.v1.StateGetResponse.$Properties|null);

            /** HostCallReply stateSet. */
            stateSet?: (stephost.v1.StateSetResponse.$Properties|null);

            /** HostCallReply stateDelete. */
            stateDelete?: (stephost.v1.StateDeleteResponse.$Properties|null);

            /** HostCallReply stateList. */
            stateList?: (stephost.v1.StateListResponse.$Properties|null);

            /** HostCallReply stateClear. */
            stateClear?: (stephost.v1.StateClearResponse.$Properties|null);

            /** HostCallReply streamSet. */
            streamSet?: (stephost.v1.StreamSetResponse.$Properties|null);

            /** HostCallReply streamDelete. */
            streamDelete?: (stephost.v1.StreamDeleteResponse.$Properties|null);

            /** HostCallReply streamSend. */
            streamSend?: (stephost.v1.StreamSendResponse.$Properties|null);

            /** HostCallReply streamGet. */
            streamGet?: (stephost.v1.StreamGetResponse.$Properties|null);

            /** HostCallReply streamList. */
            streamList?: (stephost.v1.StreamListResponse.$Properties|null);

            /** HostCallReply error. */
            error?: (stephost.v1.StepError.$Properties|null);

            /** HostCallReply reply. */
            reply?: ("emit"|"stateGet"|"stateSet"|"stateDelete"|"stateList"|"stateClear"|"streamSet"|"streamDelete"|"streamSend"|"streamGet"|"streamList"|"error");

            /**
             * Encodes the specified HostCallReply message. Does not implicitly {@link stephost.v1.HostCallReply.verify|verify} messages.
             * @param message HostCallReply message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.HostCallReply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a HostCallReply message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.HostCallReply & stephost.v1.HostCallReply.$Shape} HostCallReply
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.HostCallReply & stephost.v1.HostCallReply.$Shape;
        }

        namespace HostCallReply {

            /** Properties of a HostCallReply. */
            interface $Properties {

                /** HostCallReply callId */
                callId?: (number|Long|null);

                /** HostCallReply emit */
                emit?: (stephost.v1.EmitResponse.$Properties|null);

                /** HostCallReply stateGet */
                stateGet?: (stephost.v1.StateGetResponse.$Properties|null);

                /** HostCallReply stateSet */
                stateSet?: (stephost.v1.StateSetResponse.$Properties|null);

                /** HostCallReply stateDelete */
                stateDelete?: (stephost.v1.StateDeleteResponse.$Properties|null);

                /** HostCallReply stateList */
                stateList?: (stephost.v1.StateListResponse.$Properties|null);

                /** HostCallReply stateClear */
                stateClear?: (stephost.v1.StateClearResponse.$Properties|null);

                /** HostCallReply streamSet */
                streamSet?: (stephost.v1.StreamSetResponse.$Properties|null);

                /** HostCallReply streamDelete */
                streamDelete?: (stephost.v1.StreamDeleteResponse.$Properties|null);

                /** HostCallReply streamSend */
                streamSend?: (stephost.v1.StreamSendResponse.$Properties|null);

                /** HostCallReply streamGet */
                streamGet?: (stephost.v1.StreamGetResponse.$Properties|null);

                /** HostCallReply streamList */
                streamList?: (stephost.v1.StreamListResponse.$Properties|null);

                /** HostCallReply error */
                error?: (stephost.v1.StepError.$Properties|null);

                /** HostCallReply reply */
                reply?: ("emit"|"stateGet"|"stateSet"|"stateDelete"|"stateList"|"stateClear"|"streamSet"|"streamDelete"|"streamSend"|"streamGet"|"streamList"|"error");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a HostCallReply. */
            type $Shape = {
              callId?: number|Long|null;
              emit?: stephost.v1.EmitResponse.$Shape|null;
              stateGet?: stephost.v1.StateGetResponse.$Shape|null;
              stateSet?: stephost.v1.StateSetResponse.$Shape|null;
              stateDelete?: stephost.v1.StateDeleteResponse.$Shape|null;
              stateList?: stephost.v1.StateListResponse.$Shape|null;
              stateClear?: stephost.v1.StateClearResponse.$Shape|null;
              streamSet?: stephost.v1.StreamSetResponse.$Shape|null;
              streamDelete?: stephost.v1.StreamDeleteResponse.$Shape|null;
              streamSend?: stephost.v1.StreamSendResponse.$Shape|null;
              streamGet?: stephost.v1.StreamGetResponse.$Shape|null;
              streamList?: stephost.v1.StreamListResponse.$Shape|null;
              error?: stephost.v1.StepError.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ reply?: undefined; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet?: null; streamList?: null; error?: null }|{ reply?: "emit"; emit: stephost.v1.EmitResponse.$Shape; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet?: null; streamList?: null; error?: null }|{ reply?: "stateGet"; emit?: null; stateGet: stephost.v1.StateGetResponse.$Shape; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet?: null; streamList?: null; error?: null }|{ reply?: "stateSet"; emit?: null; stateGet?: null; stateSet: stephost.v1.StateSetResponse.$Shape; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet?: null; streamList?: null; error?: null }|{ reply?: "stateDelete"; emit?: null; stateGet?: null; stateSet?: null; stateDelete: stephost.v1.StateDeleteResponse.$Shape; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet?: null; streamList?: null; error?: null }|{ reply?: "stateList"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList: stephost.v1.StateListResponse.$Shape; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet?: null; streamList?: null; error?: null }|{ reply?: "stateClear"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear: stephost.v1.StateClearResponse.$Shape; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet?: null; streamList?: null; error?: null }|{ reply?: "streamSet"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet: stephost.v1.StreamSetResponse.$Shape; streamDelete?: null; streamSend?: null; streamGet?: null; streamList?: null; error?: null }|{ reply?: "streamDelete"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete: stephost.v1.StreamDeleteResponse.$Shape; streamSend?: null; streamGet?: null; streamList?: null; error?: null }|{ reply?: "streamSend"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend: stephost.v1.StreamSendResponse.$Shape; streamGet?: null; streamList?: null; error?: null }|{ reply?: "streamGet"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet: stephost.v1.StreamGetResponse.$Shape; streamList?: null; error?: null }|{ reply?: "streamList"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet?: null; streamList: stephost.v1.StreamListResponse.$Shape; error?: null }|{ reply?: "error"; emit?: null; stateGet?: null; stateSet?: null; stateDelete?: null; stateList?: null; stateClear?: null; streamSet?: null; streamDelete?: null; streamSend?: null; streamGet?: null; streamList?: null; error: stephost.v1.StepError.$Shape })
            );
        }

        /**
         * Properties of an EmitRequest.
         * @deprecated Use stephost.v1.EmitRequest.$Properties instead.
         */
        interface IEmitRequest extends stephost.v1.EmitRequest.$Properties {
        }

        /** Represents an EmitRequest. */
        class EmitRequest {

            /**
             * Constructs a new EmitRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.EmitRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** EmitRequest topic. */
            topic: string;

            /** EmitRequest data. */
            data: Uint8Array;

            /** EmitRequest groupId. */
            groupId: string;

            /** EmitRequest idempotencyKey. */
            idempotencyKey: string;

            /** EmitRequest delayMs. */
            delayMs: (number|Long);

            /** EmitRequest priority. */
            priority?: (number|null);

            /**
             * Encodes the specified EmitRequest message. Does not implicitly {@link stephost.v1.EmitRequest.verify|verify} messages.
             * @param message EmitRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.EmitRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an EmitRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.EmitRequest & stephost.v1.EmitRequest.$Shape} EmitRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.EmitRequest & stephost.v1.EmitRequest.$Shape;
        }

        namespace EmitRequest {

            /** Properties of an EmitRequest. */
            interface $Properties {

                /** EmitRequest topic */
                topic?: (string|null);

                /** EmitRequest data */
                data?: (Uint8Array|null);

                /** EmitRequest groupId */
                groupId?: (string|null);

                /** EmitRequest idempotencyKey */
                idempotencyKey?: (string|null);

                /** EmitRequest delayMs */
                delayMs?: (number|Long|null);

                /** EmitRequest priority */
                priority?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an EmitRequest. */
            type $Shape = stephost.v1.EmitRequest.$Properties;
        }

        /**
         * Properties of an EmitResponse.
         * @deprecated Use stephost.v1.EmitResponse.$Properties instead.
         */
        interface IEmitResponse extends stephost.v1.EmitResponse.$Properties {
        }

        /** Represents an EmitResponse. */
        class EmitResponse {

            /**
             * Constructs a new EmitResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.EmitResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** EmitResponse messageId. */
            messageId: string;

            /** EmitResponse duplicate. */
            duplicate: boolean;

            /**
             * Encodes the specified EmitResponse message. Does not implicitly {@link stephost.v1.EmitResponse.verify|verify} messages.
             * @param message EmitResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.EmitResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an EmitResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.EmitResponse & stephost.v1.EmitResponse.$Shape} EmitResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.EmitResponse & stephost.v1.EmitResponse.$Shape;
        }

        namespace EmitResponse {

            /** Properties of an EmitResponse. */
            interface $Properties {

                /** EmitResponse messageId */
                messageId?: (string|null);

                /** EmitResponse duplicate */
                duplicate?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an EmitResponse. */
            type $Shape = stephost.v1.EmitResponse.$Properties;
        }

        /**
         * Properties of a StateGetRequest.
         * @deprecated Use stephost.v1.StateGetRequest.$Properties instead.
         */
        interface IStateGetRequest extends stephost.v1.StateGetRequest.$Properties {
        }

        /** Represents a StateGetRequest. */
        class StateGetRequest {

            /**
             * Constructs a new StateGetRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateGetRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateGetRequest group. */
            group: string;

            /** StateGetRequest key. */
            key: string;

            /**
             * Encodes the specified StateGetRequest message. Does not implicitly {@link stephost.v1.StateGetRequest.verify|verify} messages.
             * @param message StateGetRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateGetRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateGetRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateGetRequest & stephost.v1.StateGetRequest.$Shape} StateGetRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateGetRequest & stephost.v1.StateGetRequest.$Shape;
        }

        namespace StateGetRequest {

            /** Properties of a StateGetRequest. */
            interface $Properties {

                /** StateGetRequest group */
                group?: (string|null);

                /** StateGetRequest key */
                key?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateGetRequest. */
            type $Shape = stephost.v1.StateGetRequest.$Properties;
        }

        /**
         * Properties of a StateGetResponse.
         * @deprecated Use stephost.v1.StateGetResponse.$Properties instead.
         */
        interface IStateGetResponse extends stephost.v1.StateGetResponse.$Properties {
        }

        /** Represents a StateGetResponse. */
        class StateGetResponse {

            /**
             * Constructs a new StateGetResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateGetResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateGetResponse found. */
            found: boolean;

            /** StateGetResponse value. */
            value: Uint8Array;

            /**
             * Encodes the specified StateGetResponse message. Does not implicitly {@link stephost.v1.StateGetResponse.verify|verify} messages.
             * @param message StateGetResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateGetResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateGetResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateGetResponse & stephost.v1.StateGetResponse.$Shape} StateGetResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateGetResponse & stephost.v1.StateGetResponse.$Shape;
        }

        namespace StateGetResponse {

            /** Properties of a StateGetResponse. */
            interface $Properties {

                /** StateGetResponse found */
                found?: (boolean|null);

                /** StateGetResponse value */
                value?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateGetResponse. */
            type $Shape = stephost.v1.StateGetResponse.$Properties;
        }

        /**
         * Properties of a StateSetRequest.
         * @deprecated Use stephost.v1.StateSetRequest.$Properties instead.
         */
        interface IStateSetRequest extends stephost.v1.StateSetRequest.$Properties {
        }

        /** Represents a StateSetRequest. */
        class StateSetRequest {

            /**
             * Constructs a new StateSetRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateSetRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateSetRequest group. */
            group: string;

            /** StateSetRequest key. */
            key: string;

            /** StateSetRequest value. */
            value: Uint8Array;

            /**
             * Encodes the specified StateSetRequest message. Does not implicitly {@link stephost.v1.StateSetRequest.verify|verify} messages.
             * @param message StateSetRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateSetRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateSetRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateSetRequest & stephost.v1.StateSetRequest.$Shape} StateSetRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateSetRequest & stephost.v1.StateSetRequest.$Shape;
        }

        namespace StateSetRequest {

            /** Properties of a StateSetRequest. */
            interface $Properties {

                /** StateSetRequest group */
                group?: (string|null);

                /** StateSetRequest key */
                key?: (string|null);

                /** StateSetRequest value */
                value?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateSetRequest. */
            type $Shape = stephost.v1.StateSetRequest.$Properties;
        }

        /**
         * Properties of a StateSetResponse.
         * @deprecated Use stephost.v1.StateSetResponse.$Properties instead.
         */
        interface IStateSetResponse extends stephost.v1.StateSetResponse.$Properties {
        }

        /** Represents a StateSetResponse. */
        class StateSetResponse {

            /**
             * Constructs a new StateSetResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateSetResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Encodes the specified StateSetResponse message. Does not implicitly {@link stephost.v1.StateSetResponse.verify|verify} messages.
             * @param message StateSetResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateSetResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateSetResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateSetResponse & stephost.v1.StateSetResponse.$Shape} StateSetResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateSetResponse & stephost.v1.StateSetResponse.$Shape;
        }

        namespace StateSetResponse {

            /** Properties of a StateSetResponse. */
            interface $Properties {

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateSetResponse. */
            type $Shape = stephost.v1.StateSetResponse.$Properties;
        }

        /**
         * Properties of a StateDeleteRequest.
         * @deprecated Use stephost.v1.StateDeleteRequest.$Properties instead.
         */
        interface IStateDeleteRequest extends stephost.v1.StateDeleteRequest.$Properties {
        }

        /** Represents a StateDeleteRequest. */
        class StateDeleteRequest {

            /**
             * Constructs a new StateDeleteRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateDeleteRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateDeleteRequest group. */
            group: string;

            /** StateDeleteRequest key. */
            key: string;

            /**
             * Encodes the specified StateDeleteRequest message. Does not implicitly {@link stephost.v1.StateDeleteRequest.verify|verify} messages.
             * @param message StateDeleteRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateDeleteRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateDeleteRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateDeleteRequest & stephost.v1.StateDeleteRequest.$Shape} StateDeleteRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateDeleteRequest & stephost.v1.StateDeleteRequest.$Shape;
        }

        namespace StateDeleteRequest {

            /** Properties of a StateDeleteRequest. */
            interface $Properties {

                /** StateDeleteRequest group */
                group?: (string|null);

                /** StateDeleteRequest key */
                key?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateDeleteRequest. */
            type $Shape = stephost.v1.StateDeleteRequest.$Properties;
        }

        /**
         * Properties of a StateDeleteResponse.
         * @deprecated Use stephost.v1.StateDeleteResponse.$Properties instead.
         */
        interface IStateDeleteResponse extends stephost.v1.StateDeleteResponse.$Properties {
        }

        /** Represents a StateDeleteResponse. */
        class StateDeleteResponse {

            /**
             * Constructs a new StateDeleteResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateDeleteResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateDeleteResponse deleted. */
            deleted: boolean;

            /**
             * Encodes the specified StateDeleteResponse message. Does not implicitly {@link stephost.v1.StateDeleteResponse.verify|verify} messages.
             * @param message StateDeleteResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateDeleteResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateDeleteResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateDeleteResponse & stephost.v1.StateDeleteResponse.$Shape} StateDeleteResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateDeleteResponse & stephost.v1.StateDeleteResponse.$Shape;
        }

        namespace StateDeleteResponse {

            /** Properties of a StateDeleteResponse. */
            interface $Properties {

                /** StateDeleteResponse deleted */
                deleted?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateDeleteResponse. */
            type $Shape = stephost.v1.StateDeleteResponse.$Properties;
        }

        /**
         * Properties of a StateListRequest.
         * @deprecated Use stephost.v1.StateListRequest.$Properties instead.
         */
        interface IStateListRequest extends stephost.v1.StateListRequest.$Properties {
        }

        /** Represents a StateListRequest. */
        class StateListRequest {

            /**
             * Constructs a new StateListRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateListRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateListRequest group. */
            group: string;

            /**
             * Encodes the specified StateListRequest message. Does not implicitly {@link stephost.v1.StateListRequest.verify|verify} messages.
             * @param message StateListRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateListRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateListRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateListRequest & stephost.v1.StateListRequest.$Shape} StateListRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateListRequest & stephost.v1.StateListRequest.$Shape;
        }

        namespace StateListRequest {

            /** Properties of a StateListRequest. */
            interface $Properties {

                /** StateListRequest group */
                group?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateListRequest. */
            type $Shape = stephost.v1.StateListRequest.$Properties;
        }

        /**
         * Properties of a StateItem.
         * @deprecated Use stephost.v1.StateItem.$Properties instead.
         */
        interface IStateItem extends stephost.v1.StateItem.$Properties {
        }

        /** Represents a StateItem. */
        class StateItem {

            /**
             * Constructs a new StateItem.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateItem.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateItem key. */
            key: string;

            /** StateItem value. */
            value: Uint8Array;

            /**
             * Encodes the specified StateItem message. Does not implicitly {@link stephost.v1.StateItem.verify|verify} messages.
             * @param message StateItem message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateItem.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateItem message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateItem & stephost.v1.StateItem.$Shape} StateItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateItem & stephost.v1.StateItem.$Shape;
        }

        namespace StateItem {

            /** Properties of a StateItem. */
            interface $Properties {

                /** StateItem key */
                key?: (string|null);

                /** StateItem value */
                value?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateItem. */
            type $Shape = stephost.v1.StateItem.$Properties;
        }

        /**
         * Properties of a StateListResponse.
         * @deprecated Use stephost.v1.StateListResponse.$Properties instead.
         */
        interface IStateListResponse extends stephost.v1.StateListResponse.$Properties {
        }

        /** Represents a StateListResponse. */
        class StateListResponse {

            /**
             * Constructs a new StateListResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateListResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateListResponse items. */
            items: stephost.v1.StateItem.$Properties[];

            /**
             * Encodes the specified StateListResponse message. Does not implicitly {@link stephost.v1.StateListResponse.verify|verify} messages.
             * @param message StateListResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateListResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateListResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateListResponse & stephost.v1.StateListResponse.$Shape} StateListResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateListResponse & stephost.v1.StateListResponse.$Shape;
        }

        namespace StateListResponse {

            /** Properties of a StateListResponse. */
            interface $Properties {

                /** StateListResponse items */
                items?: (stephost.v1.StateItem.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateListResponse. */
            type $Shape = stephost.v1.StateListResponse.$Properties;
        }

        /**
         * Properties of a StateClearRequest.
         * @deprecated Use stephost.v1.StateClearRequest.$Properties instead.
         */
        interface IStateClearRequest extends stephost.v1.StateClearRequest.$Properties {
        }

        /** Represents a StateClearRequest. */
        class StateClearRequest {

            /**
             * Constructs a new StateClearRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateClearRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateClearRequest group. */
            group: string;

            /**
             * Encodes the specified StateClearRequest message. Does not implicitly {@link stephost.v1.StateClearRequest.verify|verify} messages.
             * @param message StateClearRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateClearRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateClearRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateClearRequest & stephost.v1.StateClearRequest.$Shape} StateClearRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateClearRequest & stephost.v1.StateClearRequest.$Shape;
        }

        namespace StateClearRequest {

            /** Properties of a StateClearRequest. */
            interface $Properties {

                /** StateClearRequest group */
                group?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateClearRequest. */
            type $Shape = stephost.v1.StateClearRequest.$Properties;
        }

        /**
         * Properties of a StateClearResponse.
         * @deprecated Use stephost.v1.StateClearResponse.$Properties instead.
         */
        interface IStateClearResponse extends stephost.v1.StateClearResponse.$Properties {
        }

        /** Represents a StateClearResponse. */
        class StateClearResponse {

            /**
             * Constructs a new StateClearResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StateClearResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StateClearResponse deleted. */
            deleted: (number|Long);

            /**
             * Encodes the specified StateClearResponse message. Does not implicitly {@link stephost.v1.StateClearResponse.verify|verify} messages.
             * @param message StateClearResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StateClearResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StateClearResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StateClearResponse & stephost.v1.StateClearResponse.$Shape} StateClearResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StateClearResponse & stephost.v1.StateClearResponse.$Shape;
        }

        namespace StateClearResponse {

            /** Properties of a StateClearResponse. */
            interface $Properties {

                /** StateClearResponse deleted */
                deleted?: (number|Long|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StateClearResponse. */
            type $Shape = stephost.v1.StateClearResponse.$Properties;
        }

        /**
         * Properties of a StreamSetRequest.
         * @deprecated Use stephost.v1.StreamSetRequest.$Properties instead.
         */
        interface IStreamSetRequest extends stephost.v1.StreamSetRequest.$Properties {
        }

        /** Represents a StreamSetRequest. */
        class StreamSetRequest {

            /**
             * Constructs a new StreamSetRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamSetRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamSetRequest stream. */
            stream: string;

            /** StreamSetRequest group. */
            group: string;

            /** StreamSetRequest id. */
            id: string;

            /** StreamSetRequest value. */
            value: Uint8Array;

            /**
             * Encodes the specified StreamSetRequest message. Does not implicitly {@link stephost.v1.StreamSetRequest.verify|verify} messages.
             * @param message StreamSetRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamSetRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamSetRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamSetRequest & stephost.v1.StreamSetRequest.$Shape} StreamSetRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamSetRequest & stephost.v1.StreamSetRequest.$Shape;
        }

        namespace StreamSetRequest {

            /** Properties of a StreamSetRequest. */
            interface $Properties {

                /** StreamSetRequest stream */
                stream?: (string|null);

                /** StreamSetRequest group */
                group?: (string|null);

                /** StreamSetRequest id */
                id?: (string|null);

                /** StreamSetRequest value */
                value?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamSetRequest. */
            type $Shape = stephost.v1.StreamSetRequest.$Properties;
        }

        /**
         * Properties of a StreamSetResponse.
         * @deprecated Use stephost.v1.StreamSetResponse.$Properties instead.
         */
        interface IStreamSetResponse extends stephost.v1.StreamSetResponse.$Properties {
        }

        /** Represents a StreamSetResponse. */
        class StreamSetResponse {

            /**
             * Constructs a new StreamSetResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamSetResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Encodes the specified StreamSetResponse message. Does not implicitly {@link stephost.v1.StreamSetResponse.verify|verify} messages.
             * @param message StreamSetResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamSetResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamSetResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamSetResponse & stephost.v1.StreamSetResponse.$Shape} StreamSetResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamSetResponse & stephost.v1.StreamSetResponse.$Shape;
        }

        namespace StreamSetResponse {

            /** Properties of a StreamSetResponse. */
            interface $Properties {

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamSetResponse. */
            type $Shape = stephost.v1.StreamSetResponse.$Properties;
        }

        /**
         * Properties of a StreamDeleteRequest.
         * @deprecated Use stephost.v1.StreamDeleteRequest.$Properties instead.
         */
        interface IStreamDeleteRequest extends stephost.v1.StreamDeleteRequest.$Properties {
        }

        /** Represents a StreamDeleteRequest. */
        class StreamDeleteRequest {

            /**
             * Constructs a new StreamDeleteRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamDeleteRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamDeleteRequest stream. */
            stream: string;

            /** StreamDeleteRequest group. */
            group: string;

            /** StreamDeleteRequest id. */
            id: string;

            /**
             * Encodes the specified StreamDeleteRequest message. Does not implicitly {@link stephost.v1.StreamDeleteRequest.verify|verify} messages.
             * @param message StreamDeleteRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamDeleteRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamDeleteRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamDeleteRequest & stephost.v1.StreamDeleteRequest.$Shape} StreamDeleteRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamDeleteRequest & stephost.v1.StreamDeleteRequest.$Shape;
        }

        namespace StreamDeleteRequest {

            /** Properties of a StreamDeleteRequest. */
            interface $Properties {

                /** StreamDeleteRequest stream */
                stream?: (string|null);

                /** StreamDeleteRequest group */
                group?: (string|null);

                /** StreamDeleteRequest id */
                id?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamDeleteRequest. */
            type $Shape = stephost.v1.StreamDeleteRequest.$Properties;
        }

        /**
         * Properties of a StreamDeleteResponse.
         * @deprecated Use stephost.v1.StreamDeleteResponse.$Properties instead.
         */
        interface IStreamDeleteResponse extends stephost.v1.StreamDeleteResponse.$Properties {
        }

        /** Represents a StreamDeleteResponse. */
        class StreamDeleteResponse {

            /**
             * Constructs a new StreamDeleteResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamDeleteResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamDeleteResponse deleted. */
            deleted: boolean;

            /**
             * Encodes the specified StreamDeleteResponse message. Does not implicitly {@link stephost.v1.StreamDeleteResponse.verify|verify} messages.
             * @param message StreamDeleteResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamDeleteResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamDeleteResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamDeleteResponse & stephost.v1.StreamDeleteResponse.$Shape} StreamDeleteResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamDeleteResponse & stephost.v1.StreamDeleteResponse.$Shape;
        }

        namespace StreamDeleteResponse {

            /** Properties of a StreamDeleteResponse. */
            interface $Properties {

                /** StreamDeleteResponse deleted */
                deleted?: (boolean|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamDeleteResponse. */
            type $Shape = stephost.v1.StreamDeleteResponse.$Properties;
        }

        /**
         * Properties of a StreamSendRequest.
         * @deprecated Use stephost.v1.StreamSendRequest.$Properties instead.
         */
        interface IStreamSendRequest extends stephost.v1.StreamSendRequest.$Properties {
        }

        /** Represents a StreamSendRequest. */
        class StreamSendRequest {

            /**
             * Constructs a new StreamSendRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamSendRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamSendRequest stream. */
            stream: string;

            /** StreamSendRequest group. */
            group: string;

            /** StreamSendRequest event. */
            event: Uint8Array;

            /** StreamSendRequest id. */
            id: string;

            /**
             * Encodes the specified StreamSendRequest message. Does not implicitly {@link stephost.v1.StreamSendRequest.verify|verify} messages.
             * @param message StreamSendRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamSendRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamSendRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamSendRequest & stephost.v1.StreamSendRequest.$Shape} StreamSendRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamSendRequest & stephost.v1.StreamSendRequest.$Shape;
        }

        namespace StreamSendRequest {

            /** Properties of a StreamSendRequest. */
            interface $Properties {

                /** StreamSendRequest stream */
                stream?: (string|null);

                /** StreamSendRequest group */
                group?: (string|null);

                /** StreamSendRequest event */
                event?: (Uint8Array|null);

                /** StreamSendRequest id */
                id?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamSendRequest. */
            type $Shape = stephost.v1.StreamSendRequest.$Properties;
        }

        /**
         * Properties of a StreamSendResponse.
         * @deprecated Use stephost.v1.StreamSendResponse.$Properties instead.
         */
        interface IStreamSendResponse extends stephost.v1.StreamSendResponse.$Properties {
        }

        /** Represents a StreamSendResponse. */
        class StreamSendResponse {

            /**
             * Constructs a new StreamSendResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamSendResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Encodes the specified StreamSendResponse message. Does not implicitly {@link stephost.v1.StreamSendResponse.verify|verify} messages.
             * @param message StreamSendResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamSendResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamSendResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamSendResponse & stephost.v1.StreamSendResponse.$Shape} StreamSendResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamSendResponse & stephost.v1.StreamSendResponse.$Shape;
        }

        namespace StreamSendResponse {

            /** Properties of a StreamSendResponse. */
            interface $Properties {

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamSendResponse. */
            type $Shape = stephost.v1.StreamSendResponse.$Properties;
        }

        /**
         * Properties of a StreamGetRequest.
         * @deprecated Use stephost.v1.StreamGetRequest.$Properties instead.
         */
        interface IStreamGetRequest extends stephost.v1.StreamGetRequest.$Properties {
        }

        /** Represents a StreamGetRequest. */
        class StreamGetRequest {

            /**
             * Constructs a new StreamGetRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamGetRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamGetRequest stream. */
            stream: string;

            /** StreamGetRequest group. */
            group: string;

            /** StreamGetRequest id. */
            id: string;

            /**
             * Encodes the specified StreamGetRequest message. Does not implicitly {@link stephost.v1.StreamGetRequest.verify|verify} messages.
             * @param message StreamGetRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamGetRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamGetRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamGetRequest & stephost.v1.StreamGetRequest.$Shape} StreamGetRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamGetRequest & stephost.v1.StreamGetRequest.$Shape;
        }

        namespace StreamGetRequest {

            /** Properties of a StreamGetRequest. */
            interface $Properties {

                /** StreamGetRequest stream */
                stream?: (string|null);

                /** StreamGetRequest group */
                group?: (string|null);

                /** StreamGetRequest id */
                id?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamGetRequest. */
            type $Shape = stephost.v1.StreamGetRequest.$Properties;
        }

        /**
         * Properties of a StreamGetResponse.
         * @deprecated Use stephost.v1.StreamGetResponse.$Properties instead.
         */
        interface IStreamGetResponse extends stephost.v1.StreamGetResponse.$Properties {
        }

        /** Represents a StreamGetResponse. */
        class StreamGetResponse {

            /**
             * Constructs a new StreamGetResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamGetResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamGetResponse found. */
            found: boolean;

            /** StreamGetResponse value. */
            value: Uint8Array;

            /**
             * Encodes the specified StreamGetResponse message. Does not implicitly {@link stephost.v1.StreamGetResponse.verify|verify} messages.
             * @param message StreamGetResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamGetResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamGetResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamGetResponse & stephost.v1.StreamGetResponse.$Shape} StreamGetResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamGetResponse & stephost.v1.StreamGetResponse.$Shape;
        }

        namespace StreamGetResponse {

            /** Properties of a StreamGetResponse. */
            interface $Properties {

                /** StreamGetResponse found */
                found?: (boolean|null);

                /** StreamGetResponse value */
                value?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamGetResponse. */
            type $Shape = stephost.v1.StreamGetResponse.$Properties;
        }

        /**
         * Properties of a StreamListRequest.
         * @deprecated Use stephost.v1.StreamListRequest.$Properties instead.
         */
        interface IStreamListRequest extends stephost.v1.StreamListRequest.$Properties {
        }

        /** Represents a StreamListRequest. */
        class StreamListRequest {

            /**
             * Constructs a new StreamListRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamListRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamListRequest stream. */
            stream: string;

            /** StreamListRequest group. */
            group: string;

            /**
             * Encodes the specified StreamListRequest message. Does not implicitly {@link stephost.v1.StreamListRequest.verify|verify} messages.
             * @param message StreamListRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamListRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamListRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamListRequest & stephost.v1.StreamListRequest.$Shape} StreamListRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamListRequest & stephost.v1.StreamListRequest.$Shape;
        }

        namespace StreamListRequest {

            /** Properties of a StreamListRequest. */
            interface $Properties {

                /** StreamListRequest stream */
                stream?: (string|null);

                /** StreamListRequest group */
                group?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamListRequest. */
            type $Shape = stephost.v1.StreamListRequest.$Properties;
        }

        /**
         * Properties of a StreamItem.
         * @deprecated Use stephost.v1.StreamItem.$Properties instead.
         */
        interface IStreamItem extends stephost.v1.StreamItem.$Properties {
        }

        /** Represents a StreamItem. */
        class StreamItem {

            /**
             * Constructs a new StreamItem.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamItem.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamItem id. */
            id: string;

            /** StreamItem value. */
            value: Uint8Array;

            /**
             * Encodes the specified StreamItem message. Does not implicitly {@link stephost.v1.StreamItem.verify|verify} messages.
             * @param message StreamItem message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamItem.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamItem message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamItem & stephost.v1.StreamItem.$Shape} StreamItem
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamItem & stephost.v1.StreamItem.$Shape;
        }

        namespace StreamItem {

            /** Properties of a StreamItem. */
            interface $Properties {

                /** StreamItem id */
                id?: (string|null);

                /** StreamItem value */
                value?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamItem. */
            type $Shape = stephost.v1.StreamItem.$Properties;
        }

        /**
         * Properties of a StreamListResponse.
         * @deprecated Use stephost.v1.StreamListResponse.$Properties instead.
         */
        interface IStreamListResponse extends stephost.v1.StreamListResponse.$Properties {
        }

        /** Represents a StreamListResponse. */
        class StreamListResponse {

            /**
             * Constructs a new StreamListResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamListResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamListResponse items. */
            items: stephost.v1.StreamItem.$Properties[];

            /**
             * Encodes the specified StreamListResponse message. Does not implicitly {@link stephost.v1.StreamListResponse.verify|verify} messages.
             * @param message StreamListResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamListResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamListResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamListResponse & stephost.v1.StreamListResponse.$Shape} StreamListResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamListResponse & stephost.v1.StreamListResponse.$Shape;
        }

        namespace StreamListResponse {

            /** Properties of a StreamListResponse. */
            interface $Properties {

                /** StreamListResponse items */
                items?: (stephost.v1.StreamItem.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamListResponse. */
            type $Shape = stephost.v1.StreamListResponse.$Properties;
        }

        /**
         * Properties of a LogRecord.
         * @deprecated Use stephost.v1.LogRecord.$Properties instead.
         */
        interface ILogRecord extends stephost.v1.LogRecord.$Properties {
        }

        /** Represents a LogRecord. */
        class LogRecord {

            /**
             * Constructs a new LogRecord.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.LogRecord.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LogRecord level. */
            level: string;

            /** LogRecord message. */
            message: string;

            /** LogRecord fields. */
            fields: Uint8Array;

            /** LogRecord timeUnixMs. */
            timeUnixMs: (number|Long);

            /**
             * Encodes the specified LogRecord message. Does not implicitly {@link stephost.v1.LogRecord.verify|verify} messages.
             * @param message LogRecord message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.LogRecord.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a LogRecord message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.LogRecord & stephost.v1.LogRecord.$Shape} LogRecord
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.LogRecord & stephost.v1.LogRecord.$Shape;
        }

        namespace LogRecord {

            /** Properties of a LogRecord. */
            interface $Properties {

                /** LogRecord level */
                level?: (string|null);

                /** LogRecord message */
                message?: (string|null);

                /** LogRecord fields */
                fields?: (Uint8Array|null);

                /** LogRecord timeUnixMs */
                timeUnixMs?: (number|Long|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LogRecord. */
            type $Shape = stephost.v1.LogRecord.$Properties;
        }

        /**
         * Properties of a StepError.
         * @deprecated Use stephost.v1.StepError.$Properties instead.
         */
        interface IStepError extends stephost.v1.StepError.$Properties {
        }

        /** Represents a StepError. */
        class StepError {

            /**
             * Constructs a new StepError.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StepError.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StepError code. */
            code: string;

            /** StepError message. */
            message: string;

            /** StepError type. */
            type: string;

            /** StepError stack. */
            stack: string;

            /** StepError language. */
            language: string;

            /** StepError step. */
            step: string;

            /** StepError retryable. */
            retryable: boolean;

            /** StepError details. */
            details: Uint8Array;

            /** StepError cause. */
            cause?: (stephost.v1.StepError.$Properties|null);

            /**
             * Encodes the specified StepError message. Does not implicitly {@link stephost.v1.StepError.verify|verify} messages.
             * @param message StepError message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StepError.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StepError message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StepError & stephost.v1.StepError.$Shape} StepError
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StepError & stephost.v1.StepError.$Shape;
        }

        namespace StepError {

            /** Properties of a StepError. */
            interface $Properties {

                /** StepError code */
                code?: (string|null);

                /** StepError message */
                message?: (string|null);

                /** StepError type */
                type?: (string|null);

                /** StepError stack */
                stack?: (string|null);

                /** StepError language */
                language?: (string|null);

                /** StepError step */
                step?: (string|null);

                /** StepError retryable */
                retryable?: (boolean|null);

                /** StepError details */
                details?: (Uint8Array|null);

                /** StepError cause */
                cause?: (stephost.v1.StepError.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StepError. */
            type $Shape = stephost.v1.StepError.$Properties;
        }

        /** Trigger enum. */
        enum Trigger {

            /** TRIGGER_UNSPECIFIED value */
            TRIGGER_UNSPECIFIED = 0,

            /** TRIGGER_API value */
            TRIGGER_API = 1,

            /** TRIGGER_EVENT value */
            TRIGGER_EVENT = 2,

            /** TRIGGER_CRON value */
            TRIGGER_CRON = 3,

            /** TRIGGER_AUTH value */
            TRIGGER_AUTH = 4
        }

        /**
         * Properties of a TraceContext.
         * @deprecated Use stephost.v1.TraceContext.$Properties instead.
         */
        interface ITraceContext extends stephost.v1.TraceContext.$Properties {
        }

        /** Represents a TraceContext. */
        class TraceContext {

            /**
             * Constructs a new TraceContext.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.TraceContext.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** TraceContext traceparent. */
            traceparent: string;

            /** TraceContext tracestate. */
            tracestate: string;

            /**
             * Encodes the specified TraceContext message. Does not implicitly {@link stephost.v1.TraceContext.verify|verify} messages.
             * @param message TraceContext message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.TraceContext.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a TraceContext message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.TraceContext & stephost.v1.TraceContext.$Shape} TraceContext
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.TraceContext & stephost.v1.TraceContext.$Shape;
        }

        namespace TraceContext {

            /** Properties of a TraceContext. */
            interface $Properties {

                /** TraceContext traceparent */
                traceparent?: (string|null);

                /** TraceContext tracestate */
                tracestate?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a TraceContext. */
            type $Shape = stephost.v1.TraceContext.$Properties;
        }

        /**
         * Properties of an ApiRequest.
         * @deprecated Use stephost.v1.ApiRequest.$Properties instead.
         */
        interface IApiRequest extends stephost.v1.ApiRequest.$Properties {
        }

        /** Represents an ApiRequest. */
        class ApiRequest {

            /**
             * Constructs a new ApiRequest.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.ApiRequest.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ApiRequest method. */
            method: string;

            /** ApiRequest path. */
            path: string;

            /** ApiRequest pathParams. */
            pathParams: { [k: string]: string };

            /** ApiRequest queryParams. */
            queryParams: { [k: string]: stephost.v1.QueryValues.$Properties };

            /** ApiRequest headers. */
            headers: { [k: string]: string };

            /** ApiRequest body. */
            body: Uint8Array;

            /** ApiRequest auth. */
            auth: Uint8Array;

            /**
             * Encodes the specified ApiRequest message. Does not implicitly {@link stephost.v1.ApiRequest.verify|verify} messages.
             * @param message ApiRequest message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.ApiRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an ApiRequest message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.ApiRequest & stephost.v1.ApiRequest.$Shape} ApiRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.ApiRequest & stephost.v1.ApiRequest.$Shape;
        }

        namespace ApiRequest {

            /** Properties of an ApiRequest. */
            interface $Properties {

                /** ApiRequest method */
                method?: (string|null);

                /** ApiRequest path */
                path?: (string|null);

                /** ApiRequest pathParams */
                pathParams?: ({ [k: string]: string }|null);

                /** ApiRequest queryParams */
                queryParams?: ({ [k: string]: stephost.v1.QueryValues.$Properties }|null);

                /** ApiRequest headers */
                headers?: ({ [k: string]: string }|null);

                /** ApiRequest body */
                body?: (Uint8Array|null);

                /** ApiRequest auth */
                auth?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an ApiRequest. */
            type $Shape = stephost.v1.ApiRequest.$Properties;
        }

        /**
         * Properties of a QueryValues.
         * @deprecated Use stephost.v1.QueryValues.$Properties instead.
         */
        interface IQueryValues extends stephost.v1.QueryValues.$Properties {
        }

        /** Represents a QueryValues. */
        class QueryValues {

            /**
             * Constructs a new QueryValues.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.QueryValues.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** QueryValues values. */
            values: string[];

            /**
             * Encodes the specified QueryValues message. Does not implicitly {@link stephost.v1.QueryValues.verify|verify} messages.
             * @param message QueryValues message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.QueryValues.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a QueryValues message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.QueryValues & stephost.v1.QueryValues.$Shape} QueryValues
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.QueryValues & stephost.v1.QueryValues.$Shape;
        }

        namespace QueryValues {

            /** Properties of a QueryValues. */
            interface $Properties {

                /** QueryValues values */
                values?: (string[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a QueryValues. */
            type $Shape = stephost.v1.QueryValues.$Properties;
        }

        /**
         * Properties of an ApiResponse.
         * @deprecated Use stephost.v1.ApiResponse.$Properties instead.
         */
        interface IApiResponse extends stephost.v1.ApiResponse.$Properties {
        }

        /** Represents an ApiResponse. */
        class ApiResponse {

            /**
             * Constructs a new ApiResponse.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.ApiResponse.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** ApiResponse status. */
            status: number;

            /** ApiResponse headers. */
            headers: { [k: string]: string };

            /** ApiResponse body. */
            body: Uint8Array;

            /**
             * Encodes the specified ApiResponse message. Does not implicitly {@link stephost.v1.ApiResponse.verify|verify} messages.
             * @param message ApiResponse message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.ApiResponse.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an ApiResponse message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.ApiResponse & stephost.v1.ApiResponse.$Shape} ApiResponse
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.ApiResponse & stephost.v1.ApiResponse.$Shape;
        }

        namespace ApiResponse {

            /** Properties of an ApiResponse. */
            interface $Properties {

                /** ApiResponse status */
                status?: (number|null);

                /** ApiResponse headers */
                headers?: ({ [k: string]: string }|null);

                /** ApiResponse body */
                body?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of an ApiResponse. */
            type $Shape = stephost.v1.ApiResponse.$Properties;
        }

        /**
         * Properties of an Invocation.
         * @deprecated Use stephost.v1.Invocation.$Properties instead.
         */
        interface IInvocation extends stephost.v1.Invocation.$Properties {
        }

        /** Represents an Invocation. */
        class Invocation {

            /**
             * Constructs a new Invocation.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.Invocation.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Invocation id. */
            id: (number|Long);

            /** Invocation step. */
            step: string;

            /** Invocation trigger. */
            trigger: stephost.v1.Trigger;

            /** Invocation payload. */
            payload?: (Uint8Array|null);

            /** Invocation request. */
            request?: (stephost.v1.ApiRequest.$Properties|null);

            /** Invocation attempt. */
            attempt: number;

            /** Invocation deadlineUnixMs. */
            deadlineUnixMs: (number|Long);

            /** Invocation trace. */
            trace?: (stephost.v1.TraceContext.$Properties|null);

            /** Invocation topic. */
            topic: string;

            /** Invocation messageId. */
            messageId: string;

            /** Invocation input. */
            input?: ("payload"|"request");

            /**
             * Encodes the specified Invocation message. Does not implicitly {@link stephost.v1.Invocation.verify|verify} messages.
             * @param message Invocation message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.Invocation.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an Invocation message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.Invocation & stephost.v1.Invocation.$Shape} Invocation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.Invocation & stephost.v1.Invocation.$Shape;
        }

        namespace Invocation {

            /** Properties of an Invocation. */
            interface $Properties {

                /** Invocation id */
                id?: (number|Long|null);

                /** Invocation step */
                step?: (string|null);

                /** Invocation trigger */
                trigger?: (stephost.v1.Trigger|null);

                /** Invocation payload */
                payload?: (Uint8Array|null);

                /** Invocation request */
                request?: (stephost.v1.ApiRequest.$Properties|null);

                /** Invocation attempt */
                attempt?: (number|null);

                /** Invocation deadlineUnixMs */
                deadlineUnixMs?: (number|Long|null);

                /** Invocation trace */
                trace?: (stephost.v1.TraceContext.$Properties|null);

                /** Invocation topic */
                topic?: (string|null);

                /** Invocation messageId */
                messageId?: (string|null);

                /** Invocation input */
                input?: ("payload"|"request");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of an Invocation. */
            type $Shape = {
              id?: number|Long|null;
              step?: string|null;
              trigger?: stephost.v1.Trigger|null;
              payload?: Uint8Array|null;
              request?: stephost.v1.ApiRequest.$Shape|null;
              attempt?: number|null;
              deadlineUnixMs?: number|Long|null;
              trace?: stephost.v1.TraceContext.$Shape|null;
              topic?: string|null;
              messageId?: string|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ input?: undefined; payload?: null; request?: null }|{ input?: "payload"; payload: Uint8Array; request?: null }|{ input?: "request"; payload?: null; request: stephost.v1.ApiRequest.$Shape })
            );
        }

        /**
         * Properties of an InvocationResult.
         * @deprecated Use stephost.v1.InvocationResult.$Properties instead.
         */
        interface IInvocationResult extends stephost.v1.InvocationResult.$Properties {
        }

        /** Represents an InvocationResult. */
        class InvocationResult {

            /**
             * Constructs a new InvocationResult.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.InvocationResult.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** InvocationResult invocationId. */
            invocationId: (number|Long);

            /** InvocationResult output. */
            output?: (Uint8Array|null);

            /** InvocationResult error. */
            error?: (stephost.v1.StepError.$Properties|null);

            /** InvocationResult response. */
            response?: (stephost.v1.ApiResponse.$Properties|null);

            /** InvocationResult outcome. */
            outcome?: ("output"|"error"|"response");

            /**
             * Encodes the specified InvocationResult message. Does not implicitly {@link stephost.v1.InvocationResult.verify|verify} messages.
             * @param message InvocationResult message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.InvocationResult.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes an InvocationResult message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.InvocationResult & stephost.v1.InvocationResult.$Shape} InvocationResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.InvocationResult & stephost.v1.InvocationResult.$Shape;
        }

        namespace InvocationResult {

            /** Properties of an InvocationResult. */
            interface $Properties {

                /** InvocationResult invocationId */
                invocationId?: (number|Long|null);

                /** InvocationResult output */
                output?: (Uint8Array|null);

                /** InvocationResult error */
                error?: (stephost.v1.StepError.$Properties|null);

                /** InvocationResult response */
                response?: (stephost.v1.ApiResponse.$Properties|null);

                /** InvocationResult outcome */
                outcome?: ("output"|"error"|"response");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of an InvocationResult. */
            type $Shape = {
              invocationId?: number|Long|null;
              output?: Uint8Array|null;
              error?: stephost.v1.StepError.$Shape|null;
              response?: stephost.v1.ApiResponse.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ outcome?: undefined; output?: null; error?: null; response?: null }|{ outcome?: "output"; output: Uint8Array; error?: null; response?: null }|{ outcome?: "error"; output?: null; error: stephost.v1.StepError.$Shape; response?: null }|{ outcome?: "response"; output?: null; error?: null; response: stephost.v1.ApiResponse.$Shape })
            );
        }

        /**
         * Properties of a Cancel.
         * @deprecated Use stephost.v1.Cancel.$Properties instead.
         */
        interface ICancel extends stephost.v1.Cancel.$Properties {
        }

        /** Represents a Cancel. */
        class Cancel {

            /**
             * Constructs a new Cancel.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.Cancel.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Cancel invocationId. */
            invocationId: (number|Long);

            /** Cancel reason. */
            reason: string;

            /**
             * Encodes the specified Cancel message. Does not implicitly {@link stephost.v1.Cancel.verify|verify} messages.
             * @param message Cancel message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.Cancel.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Cancel message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.Cancel & stephost.v1.Cancel.$Shape} Cancel
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.Cancel & stephost.v1.Cancel.$Shape;
        }

        namespace Cancel {

            /** Properties of a Cancel. */
            interface $Properties {

                /** Cancel invocationId */
                invocationId?: (number|Long|null);

                /** Cancel reason */
                reason?: (string|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Cancel. */
            type $Shape = stephost.v1.Cancel.$Properties;
        }

        /** ContractVersion enum. */
        enum ContractVersion {

            /** CONTRACT_VERSION_UNSPECIFIED value */
            CONTRACT_VERSION_UNSPECIFIED = 0,

            /** CONTRACT_VERSION_CURRENT value */
            CONTRACT_VERSION_CURRENT = 2
        }

        /** Represents a RuntimeService */
        class RuntimeService extends $protobuf.rpc.Service {

            /**
             * Constructs a new RuntimeService service.
             * @param rpcImpl RPC implementation
             * @param [requestDelimited=false] Whether requests are length-delimited
             * @param [responseDelimited=false] Whether responses are length-delimited
             */
            constructor(rpcImpl: $protobuf.RPCImpl, requestDelimited?: boolean, responseDelimited?: boolean);

            /** Calls Connect. */
            connect: stephost.v1.RuntimeService.Connect;
        }

        namespace RuntimeService {

            /**
             * Callback as used by {@link stephost.v1.RuntimeService#connect}.
             * @param error Error, if any
             * @param [response] HostFrame
             */
            type ConnectCallback = (error: (Error|null), response?: stephost.v1.HostFrame) => void;

            /** Calls Connect. */
            type Connect = {
              (request: stephost.v1.IRuntimeFrame, callback: stephost.v1.RuntimeService.ConnectCallback): void;
              (request: stephost.v1.IRuntimeFrame): Promise<stephost.v1.HostFrame>;
              readonly name: "Connect";
              readonly path: "/stephost.v1.RuntimeService/Connect";
              readonly requestType: "RuntimeFrame";
              readonly responseType: "HostFrame";
              readonly requestStream: true;
              readonly responseStream: true;
            };
        }

        /**
         * Properties of a RuntimeFrame.
         * @deprecated Use stephost.v1.RuntimeFrame.$Properties instead.
         */
        interface IRuntimeFrame extends stephost.v1.RuntimeFrame.$Properties {
        }

        /** Represents a RuntimeFrame. */
        class RuntimeFrame {

            /**
             * Constructs a new RuntimeFrame.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.RuntimeFrame.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RuntimeFrame messages. */
            messages: stephost.v1.RuntimeMessage.$Properties[];

            /**
             * Encodes the specified RuntimeFrame message. Does not implicitly {@link stephost.v1.RuntimeFrame.verify|verify} messages.
             * @param message RuntimeFrame message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.RuntimeFrame.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RuntimeFrame message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.RuntimeFrame & stephost.v1.RuntimeFrame.$Shape} RuntimeFrame
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.RuntimeFrame & stephost.v1.RuntimeFrame.$Shape;
        }

        namespace RuntimeFrame {

            /** Properties of a RuntimeFrame. */
            interface $Properties {

                /** RuntimeFrame messages */
                messages?: (stephost.v1.RuntimeMessage.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a RuntimeFrame. */
            type $Shape = {
              messages?: stephost.v1.RuntimeMessage.$Shape[]|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a RuntimeMessage.
         * @deprecated Use stephost.v1.RuntimeMessage.$Properties instead.
         */
        interface IRuntimeMessage extends stephost.v1.RuntimeMessage.$Properties {
        }

        /** Represents a RuntimeMessage. */
        class RuntimeMessage {

            /**
             * Constructs a new RuntimeMessage.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.RuntimeMessage.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** RuntimeMessage hello. */
            hello?: (stephost.v1.Hello.$Properties|null);

            /** RuntimeMessage result. */
            result?: (stephost.v1.InvocationResult.$Properties|null);

            /** RuntimeMessage call. */
            call?: (stephost.v1.HostCall.$Properties|null);

            /** RuntimeMessage heartbeat. */
            heartbeat?: (stephost.v1.Heartbeat.$Properties|null);

            /** RuntimeMessage drained. */
            drained?: (stephost.v1.Drained.$Properties|null);

            /** RuntimeMessage kind. */
            kind?: ("hello"|"result"|"call"|"heartbeat"|"drained");

            /**
             * Encodes the specified RuntimeMessage message. Does not implicitly {@link stephost.v1.RuntimeMessage.verify|verify} messages.
             * @param message RuntimeMessage message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.RuntimeMessage.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a RuntimeMessage message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.RuntimeMessage & stephost.v1.RuntimeMessage.$Shape} RuntimeMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.RuntimeMessage & stephost.v1.RuntimeMessage.$Shape;
        }

        namespace RuntimeMessage {

            /** Properties of a RuntimeMessage. */
            interface $Properties {

                /** RuntimeMessage hello */
                hello?: (stephost.v1.Hello.$Properties|null);

                /** RuntimeMessage result */
                result?: (stephost.v1.InvocationResult.$Properties|null);

                /** RuntimeMessage call */
                call?: (stephost.v1.HostCall.$Properties|null);

                /** RuntimeMessage heartbeat */
                heartbeat?: (stephost.v1.Heartbeat.$Properties|null);

                /** RuntimeMessage drained */
                drained?: (stephost.v1.Drained.$Properties|null);

                /** RuntimeMessage kind */
                kind?: ("hello"|"result"|"call"|"heartbeat"|"drained");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a RuntimeMessage. */
            type $Shape = {
              hello?: stephost.v1.Hello.$Shape|null;
              result?: stephost.v1.InvocationResult.$Shape|null;
              call?: stephost.v1.HostCall.$Shape|null;
              heartbeat?: stephost.v1.Heartbeat.$Shape|null;
              drained?: stephost.v1.Drained.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ kind?: undefined; hello?: null; result?: null; call?: null; heartbeat?: null; drained?: null }|{ kind?: "hello"; hello: stephost.v1.Hello.$Shape; result?: null; call?: null; heartbeat?: null; drained?: null }|{ kind?: "result"; hello?: null; result: stephost.v1.InvocationResult.$Shape; call?: null; heartbeat?: null; drained?: null }|{ kind?: "call"; hello?: null; result?: null; call: stephost.v1.HostCall.$Shape; heartbeat?: null; drained?: null }|{ kind?: "heartbeat"; hello?: null; result?: null; call?: null; heartbeat: stephost.v1.Heartbeat.$Shape; drained?: null }|{ kind?: "drained"; hello?: null; result?: null; call?: null; heartbeat?: null; drained: stephost.v1.Drained.$Shape })
            );
        }

        /**
         * Properties of a HostFrame.
         * @deprecated Use stephost.v1.HostFrame.$Properties instead.
         */
        interface IHostFrame extends stephost.v1.HostFrame.$Properties {
        }

        /** Represents a HostFrame. */
        class HostFrame {

            /**
             * Constructs a new HostFrame.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.HostFrame.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** HostFrame messages. */
            messages: stephost.v1.HostMessage.$Properties[];

            /**
             * Encodes the specified HostFrame message. Does not implicitly {@link stephost.v1.HostFrame.verify|verify} messages.
             * @param message HostFrame message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.HostFrame.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a HostFrame message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.HostFrame & stephost.v1.HostFrame.$Shape} HostFrame
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.HostFrame & stephost.v1.HostFrame.$Shape;
        }

        namespace HostFrame {

            /** Properties of a HostFrame. */
            interface $Properties {

                /** HostFrame messages */
                messages?: (stephost.v1.HostMessage.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a HostFrame. */
            type $Shape = {
              messages?: stephost.v1.HostMessage.$Shape[]|null;
              $unknowns?: Uint8Array[];
            };
        }

        /**
         * Properties of a HostMessage.
         * @deprecated Use stephost.v1.HostMessage.$Properties instead.
         */
        interface IHostMessage extends stephost.v1.HostMessage.$Properties {
        }

        /** Represents a HostMessage. */
        class HostMessage {

            /**
             * Constructs a new HostMessage.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.HostMessage.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** HostMessage welcome. */
            welcome?: (stephost.v1.Welcome.$Properties|null);

            /** HostMessage invocation. */
            invocation?: (stephost.v1.Invocation.$Properties|null);

            /** HostMessage reply. */
            reply?: (stephost.v1.HostCallReply.$Properties|null);

            /** HostMessage heartbeat. */
            heartbeat?: (stephost.v1.Heartbeat.$Properties|null);

            /** HostMessage drain. */
            drain?: (stephost.v1.Drain.$Properties|null);

            /** HostMessage cancel. */
            cancel?: (stephost.v1.Cancel.$Properties|null);

            /** HostMessage kind. */
            kind?: ("welcome"|"invocation"|"reply"|"heartbeat"|"drain"|"cancel");

            /**
             * Encodes the specified HostMessage message. Does not implicitly {@link stephost.v1.HostMessage.verify|verify} messages.
             * @param message HostMessage message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.HostMessage.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a HostMessage message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.HostMessage & stephost.v1.HostMessage.$Shape} HostMessage
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.HostMessage & stephost.v1.HostMessage.$Shape;
        }

        namespace HostMessage {

            /** Properties of a HostMessage. */
            interface $Properties {

                /** HostMessage welcome */
                welcome?: (stephost.v1.Welcome.$Properties|null);

                /** HostMessage invocation */
                invocation?: (stephost.v1.Invocation.$Properties|null);

                /** HostMessage reply */
                reply?: (stephost.v1.HostCallReply.$Properties|null);

                /** HostMessage heartbeat */
                heartbeat?: (stephost.v1.Heartbeat.$Properties|null);

                /** HostMessage drain */
                drain?: (stephost.v1.Drain.$Properties|null);

                /** HostMessage cancel */
                cancel?: (stephost.v1.Cancel.$Properties|null);

                /** HostMessage kind */
                kind?: ("welcome"|"invocation"|"reply"|"heartbeat"|"drain"|"cancel");

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Narrowed shape of a HostMessage. */
            type $Shape = {
              welcome?: stephost.v1.Welcome.$Shape|null;
              invocation?: stephost.v1.Invocation.$Shape|null;
              reply?: stephost.v1.HostCallReply.$Shape|null;
              heartbeat?: stephost.v1.Heartbeat.$Shape|null;
              drain?: stephost.v1.Drain.$Shape|null;
              cancel?: stephost.v1.Cancel.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ kind?: undefined; welcome?: null; invocation?: null; reply?: null; heartbeat?: null; drain?: null; cancel?: null }|{ kind?: "welcome"; welcome: stephost.v1.Welcome.$Shape; invocation?: null; reply?: null; heartbeat?: null; drain?: null; cancel?: null }|{ kind?: "invocation"; welcome?: null; invocation: stephost.v1.Invocation.$Shape; reply?: null; heartbeat?: null; drain?: null; cancel?: null }|{ kind?: "reply"; welcome?: null; invocation?: null; reply: stephost.v1.HostCallReply.$Shape; heartbeat?: null; drain?: null; cancel?: null }|{ kind?: "heartbeat"; welcome?: null; invocation?: null; reply?: null; heartbeat: stephost.v1.Heartbeat.$Shape; drain?: null; cancel?: null }|{ kind?: "drain"; welcome?: null; invocation?: null; reply?: null; heartbeat?: null; drain: stephost.v1.Drain.$Shape; cancel?: null }|{ kind?: "cancel"; welcome?: null; invocation?: null; reply?: null; heartbeat?: null; drain?: null; cancel: stephost.v1.Cancel.$Shape })
            );
        }

        /**
         * Properties of a Hello.
         * @deprecated Use stephost.v1.Hello.$Properties instead.
         */
        interface IHello extends stephost.v1.Hello.$Properties {
        }

        /** Represents a Hello. */
        class Hello {

            /**
             * Constructs a new Hello.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.Hello.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Hello contractVersion. */
            contractVersion: number;

            /** Hello language. */
            language: string;

            /** Hello runtimeVersion. */
            runtimeVersion: string;

            /** Hello pid. */
            pid: number;

            /** Hello runtimeId. */
            runtimeId: string;

            /** Hello steps. */
            steps: stephost.v1.StepDefinition.$Properties[];

            /** Hello loadErrors. */
            loadErrors: stephost.v1.LoadError.$Properties[];

            /** Hello capacity. */
            capacity: number;

            /** Hello streams. */
            streams: stephost.v1.StreamDefinition.$Properties[];

            /**
             * Encodes the specified Hello message. Does not implicitly {@link stephost.v1.Hello.verify|verify} messages.
             * @param message Hello message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.Hello.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Hello message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.Hello & stephost.v1.Hello.$Shape} Hello
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.Hello & stephost.v1.Hello.$Shape;
        }

        namespace Hello {

            /** Properties of a Hello. */
            interface $Properties {

                /** Hello contractVersion */
                contractVersion?: (number|null);

                /** Hello language */
                language?: (string|null);

                /** Hello runtimeVersion */
                runtimeVersion?: (string|null);

                /** Hello pid */
                pid?: (number|null);

                /** Hello runtimeId */
                runtimeId?: (string|null);

                /** Hello steps */
                steps?: (stephost.v1.StepDefinition.$Properties[]|null);

                /** Hello loadErrors */
                loadErrors?: (stephost.v1.LoadError.$Properties[]|null);

                /** Hello capacity */
                capacity?: (number|null);

                /** Hello streams */
                streams?: (stephost.v1.StreamDefinition.$Properties[]|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Hello. */
            type $Shape = stephost.v1.Hello.$Properties;
        }

        /**
         * Properties of a StepDefinition.
         * @deprecated Use stephost.v1.StepDefinition.$Properties instead.
         */
        interface IStepDefinition extends stephost.v1.StepDefinition.$Properties {
        }

        /** Represents a StepDefinition. */
        class StepDefinition {

            /**
             * Constructs a new StepDefinition.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StepDefinition.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StepDefinition name. */
            name: string;

            /** StepDefinition file. */
            file: string;

            /** StepDefinition config. */
            config: Uint8Array;

            /**
             * Encodes the specified StepDefinition message. Does not implicitly {@link stephost.v1.StepDefinition.verify|verify} messages.
             * @param message StepDefinition message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StepDefinition.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StepDefinition message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StepDefinition & stephost.v1.StepDefinition.$Shape} StepDefinition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StepDefinition & stephost.v1.StepDefinition.$Shape;
        }

        namespace StepDefinition {

            /** Properties of a StepDefinition. */
            interface $Properties {

                /** StepDefinition name */
                name?: (string|null);

                /** StepDefinition file */
                file?: (string|null);

                /** StepDefinition config */
                config?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StepDefinition. */
            type $Shape = stephost.v1.StepDefinition.$Properties;
        }

        /**
         * Properties of a StreamDefinition.
         * @deprecated Use stephost.v1.StreamDefinition.$Properties instead.
         */
        interface IStreamDefinition extends stephost.v1.StreamDefinition.$Properties {
        }

        /** Represents a StreamDefinition. */
        class StreamDefinition {

            /**
             * Constructs a new StreamDefinition.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.StreamDefinition.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** StreamDefinition name. */
            name: string;

            /** StreamDefinition file. */
            file: string;

            /** StreamDefinition config. */
            config: Uint8Array;

            /**
             * Encodes the specified StreamDefinition message. Does not implicitly {@link stephost.v1.StreamDefinition.verify|verify} messages.
             * @param message StreamDefinition message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.StreamDefinition.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a StreamDefinition message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.StreamDefinition & stephost.v1.StreamDefinition.$Shape} StreamDefinition
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.StreamDefinition & stephost.v1.StreamDefinition.$Shape;
        }

        namespace StreamDefinition {

            /** Properties of a StreamDefinition. */
            interface $Properties {

                /** StreamDefinition name */
                name?: (string|null);

                /** StreamDefinition file */
                file?: (string|null);

                /** StreamDefinition config */
                config?: (Uint8Array|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a StreamDefinition. */
            type $Shape = stephost.v1.StreamDefinition.$Properties;
        }

        /**
         * Properties of a LoadError.
         * @deprecated Use stephost.v1.LoadError.$Properties instead.
         */
        interface ILoadError extends stephost.v1.LoadError.$Properties {
        }

        /** Represents a LoadError. */
        class LoadError {

            /**
             * Constructs a new LoadError.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.LoadError.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** LoadError file. */
            file: string;

            /** LoadError error. */
            error?: (stephost.v1.StepError.$Properties|null);

            /**
             * Encodes the specified LoadError message. Does not implicitly {@link stephost.v1.LoadError.verify|verify} messages.
             * @param message LoadError message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.LoadError.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a LoadError message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.LoadError & stephost.v1.LoadError.$Shape} LoadError
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.LoadError & stephost.v1.LoadError.$Shape;
        }

        namespace LoadError {

            /** Properties of a LoadError. */
            interface $Properties {

                /** LoadError file */
                file?: (string|null);

                /** LoadError error */
                error?: (stephost.v1.StepError.$Properties|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a LoadError. */
            type $Shape = stephost.v1.LoadError.$Properties;
        }

        /**
         * Properties of a Welcome.
         * @deprecated Use stephost.v1.Welcome.$Properties instead.
         */
        interface IWelcome extends stephost.v1.Welcome.$Properties {
        }

        /** Represents a Welcome. */
        class Welcome {

            /**
             * Constructs a new Welcome.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.Welcome.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Welcome contractVersion. */
            contractVersion: number;

            /** Welcome hostVersion. */
            hostVersion: string;

            /** Welcome heartbeatIntervalMs. */
            heartbeatIntervalMs: number;

            /**
             * Encodes the specified Welcome message. Does not implicitly {@link stephost.v1.Welcome.verify|verify} messages.
             * @param message Welcome message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.Welcome.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Welcome message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.Welcome & stephost.v1.Welcome.$Shape} Welcome
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.Welcome & stephost.v1.Welcome.$Shape;
        }

        namespace Welcome {

            /** Properties of a Welcome. */
            interface $Properties {

                /** Welcome contractVersion */
                contractVersion?: (number|null);

                /** Welcome hostVersion */
                hostVersion?: (string|null);

                /** Welcome heartbeatIntervalMs */
                heartbeatIntervalMs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Welcome. */
            type $Shape = stephost.v1.Welcome.$Properties;
        }

        /**
         * Properties of a Heartbeat.
         * @deprecated Use stephost.v1.Heartbeat.$Properties instead.
         */
        interface IHeartbeat extends stephost.v1.Heartbeat.$Properties {
        }

        /** Represents a Heartbeat. */
        class Heartbeat {

            /**
             * Constructs a new Heartbeat.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.Heartbeat.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Heartbeat sentUnixMs. */
            sentUnixMs: (number|Long);

            /**
             * Encodes the specified Heartbeat message. Does not implicitly {@link stephost.v1.Heartbeat.verify|verify} messages.
             * @param message Heartbeat message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.Heartbeat.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Heartbeat message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.Heartbeat & stephost.v1.Heartbeat.$Shape} Heartbeat
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.Heartbeat & stephost.v1.Heartbeat.$Shape;
        }

        namespace Heartbeat {

            /** Properties of a Heartbeat. */
            interface $Properties {

                /** Heartbeat sentUnixMs */
                sentUnixMs?: (number|Long|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Heartbeat. */
            type $Shape = stephost.v1.Heartbeat.$Properties;
        }

        /**
         * Properties of a Drain.
         * @deprecated Use stephost.v1.Drain.$Properties instead.
         */
        interface IDrain extends stephost.v1.Drain.$Properties {
        }

        /** Represents a Drain. */
        class Drain {

            /**
             * Constructs a new Drain.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.Drain.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /** Drain graceMs. */
            graceMs: number;

            /**
             * Encodes the specified Drain message. Does not implicitly {@link stephost.v1.Drain.verify|verify} messages.
             * @param message Drain message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.Drain.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Drain message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.Drain & stephost.v1.Drain.$Shape} Drain
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.Drain & stephost.v1.Drain.$Shape;
        }

        namespace Drain {

            /** Properties of a Drain. */
            interface $Properties {

                /** Drain graceMs */
                graceMs?: (number|null);

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Drain. */
            type $Shape = stephost.v1.Drain.$Properties;
        }

        /**
         * Properties of a Drained.
         * @deprecated Use stephost.v1.Drained.$Properties instead.
         */
        interface IDrained extends stephost.v1.Drained.$Properties {
        }

        /** Represents a Drained. */
        class Drained {

            /**
             * Constructs a new Drained.
             * @param [properties] Properties to set
             */
            constructor(properties?: stephost.v1.Drained.$Properties);

            /** Unknown fields preserved while decoding when enabled */
            $unknowns?: Uint8Array[];

            /**
             * Encodes the specified Drained message. Does not implicitly {@link stephost.v1.Drained.verify|verify} messages.
             * @param message Drained message or plain object to encode
             * @param [writer] Writer to encode to
             * @returns Writer
             */
            static encode(message: stephost.v1.Drained.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;

            /**
             * Decodes a Drained message from the specified reader or buffer.
             * @param reader Reader or buffer to decode from
             * @param [length] Message length if known beforehand
             * @returns {stephost.v1.Drained & stephost.v1.Drained.$Shape} Drained
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): stephost.v1.Drained & stephost.v1.Drained.$Shape;
        }

        namespace Drained {

            /** Properties of a Drained. */
            interface $Properties {

                /** Unknown fields preserved while decoding when enabled */
                $unknowns?: Uint8Array[];
            }

            /** Shape of a Drained. */
            type $Shape = stephost.v1.Drained.$Properties;
        }
    }
}
