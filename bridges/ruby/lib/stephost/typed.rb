# frozen_string_literal: true

require 'json'
require 'google/protobuf'
require 'stephost/errors'

module Stephost
  # Typed objects for steps that opt in (`typed: true` beside a message type as
  # `input` or `bodySchema`): the handler gets an instance of the class that
  # `stephost gen` wrote under `<project>/generated/ruby` (`data` for an event,
  # `req.body` for an api request) instead of plain JSON. `ctx.emit` takes
  # message instances from any step.
  #
  # The host has checked every payload against the same contracts already, so
  # a payload that does not decode here means the generated classes are older
  # than the contracts.
  module Typed
    module_function

    # `<project>/generated/ruby`; STEPHOST_GEN_DIR (absolute, or relative to the
    # project) moves `generated`.
    def generated_dir(project, env = ENV)
      gen = env['STEPHOST_GEN_DIR'].to_s
      File.expand_path(File.join(gen.empty? ? 'generated' : gen, 'ruby'), project)
    end

    # Steps `require 'shop/v1/orders_pb'` (or 'stephost_types') from here.
    def add_to_load_path(dir)
      $LOAD_PATH.unshift(dir) unless $LOAD_PATH.include?(dir)
    end

    # Gives each typed step its message class, after requiring every generated
    # `*_pb.rb` under `dir`. Returns the failures: a typed step whose class is
    # missing (it is removed from `steps`).
    def resolve(steps, dir, project)
      typed = steps.select(&:message_type)
      return [] if typed.empty?

      problems = require_all(dir, project)
      pool = Google::Protobuf::DescriptorPool.generated_pool
      typed.filter_map do |step|
        descriptor = pool.lookup(step.message_type)
        if descriptor.is_a?(Google::Protobuf::Descriptor)
          step.message_class = descriptor.msgclass
          next
        end

        steps.delete(step)
        missing(step, shown(dir, project), problems)
      end
    end

    # `bytes` (a JSON payload) as an instance of `klass`.
    def decode(step, klass, bytes)
      return klass.new if bytes.nil? || bytes.empty?

      klass.decode_json(bytes)
    rescue Google::Protobuf::ParseError => e
      raise StepError.new("#{step}: the payload does not decode as #{klass.descriptor.name} " \
                          "with the generated classes (older than contracts/? run `stephost gen`): " \
                          "#{e.message}", code: 'VALIDATION_FAILED', retryable: false)
    end

    # A JSON value already parsed (an api request's body) as an instance of `klass`.
    def from_value(step, klass, value)
      value.nil? ? klass.new : decode(step, klass, JSON.generate(value))
    end

    # Whether `value` is a message of a generated class.
    def message?(value)
      value.is_a?(Google::Protobuf::MessageExts)
    end

    # A message emitted on a topic whose declared type is `declared` must be of
    # that type (a message of another type may still be valid JSON for it).
    def check_emit(step, topic, data, declared)
      name = data.class.descriptor.name
      return if name == declared

      raise StepError.new("the data #{step} emitted on #{topic.inspect} is a #{name}, but the topic's " \
                          "declared type is #{declared}", code: 'VALIDATION_FAILED', retryable: false)
    end

    def require_all(dir, project)
      Dir.glob('**/*_pb.rb', base: dir).sort.filter_map do |rel|
        require File.join(dir, rel)
        nil
      rescue Exception => e # a generated file may fail like any code (a stale or clashing file)
        "#{shown(File.join(dir, rel), project)} does not load: #{Stephost.type_name(e)}: #{e.message}"
      end
    end

    def missing(step, where, problems)
      message = "#{step.file}: typed step #{step.name} uses #{step.message_type}, which is not in " \
                "#{where}; run `stephost gen`"
      message += " (#{problems.join('; ')})" unless problems.empty?
      Loader::FileFailure.new(step.file, 'BAD_CONFIG', message, '')
    end

    def shown(path, project)
      path.start_with?("#{project}/") ? path.delete_prefix("#{project}/") : path
    end
  end
end
