# frozen_string_literal: true

require 'json'
require 'stephost/errors'

module Stephost
  # Finds and loads `*_step.rb` files (and Motia's `*.step.rb`) under `steps/` and
  # `src/`; one failing file never hides the others.
  #
  # Each file is evaluated in its own anonymous Module, so two files that both
  # define `config` and `handler` (or the same constant) do not collide; the
  # step is called through an object extended with that module.
  module Loader
    STEP_GLOBS = %w[steps src].flat_map { |dir| ["#{dir}/**/*_step.rb", "#{dir}/**/*.step.rb"] }.freeze
    # Installed packages are never searched (Motia keeps a virtualenv in python_modules).
    SKIPPED_DIRS = %w[node_modules python_modules].freeze

    # A step file that loaded and defines `config` (and `handler`).
    class LoadedStep
      attr_reader :name, :file, :type, :config_json, :message_type, :emit_types
      # The generated class of a typed step's input (set by Typed.resolve).
      attr_accessor :message_class

      # `message_type`: the message type of the input (event data or api body)
      # when the step opts in to typed objects; `emit_types`: topic => declared
      # message type.
      def initialize(name, file, type, config_json, target, message_type: nil, emit_types: {})
        @name = name
        @file = file
        @type = type
        @config_json = config_json
        @target = target
        @message_type = message_type
        @emit_types = emit_types.freeze
        @message_class = nil
        handler = target.method(:handler) if target.respond_to?(:handler, true)
        @arity = handler&.arity || 0
      end

      # Calls handler(req, ctx) / handler(data, ctx) / handler(ctx); a handler
      # that takes fewer arguments gets the first ones.
      def call(*args)
        args = args.first(@arity) if @arity >= 0 && @arity < args.size
        @target.__send__(:handler, *args)
      end
    end

    # A step file that could not be loaded: code LOAD_FAILED or BAD_CONFIG.
    FileFailure = Struct.new(:file, :code, :message, :stack)

    # A step file that loaded but does not define a usable step.
    class BadStepError < StandardError; end

    module_function

    def step_files(project)
      Dir.glob(STEP_GLOBS, base: project).uniq.sort.reject { |rel| rel.split('/').intersect?(SKIPPED_DIRS) }
    end

    # Whether this runtime loads the step file `rel`: the host may narrow what a runtime
    # loads (isolated steps) with STEPHOST_ONLY_FILES (the only step files to load) or
    # STEPHOST_SKIP_FILES (files to skip); project-relative paths, one a line.
    def selected?(rel, env = ENV)
      only = env['STEPHOST_ONLY_FILES'].to_s
      return only.split("\n").include?(rel) unless only.empty?

      !env['STEPHOST_SKIP_FILES'].to_s.split("\n").include?(rel)
    end

    # [steps, failures] for every step file under `project/steps`.
    def load_steps(project)
      $LOAD_PATH.unshift(project) unless $LOAD_PATH.include?(project)
      steps = []
      failures = []
      step_files(project).select { |rel| selected?(rel) }.each do |rel|
        result = load_file(File.join(project, rel), rel)
        (result.is_a?(FileFailure) ? failures : steps) << result
      end
      [steps, failures]
    end

    def load_file(path, rel)
      target = Object.new
      begin
        mod = Module.new
        mod.module_eval(File.read(path), path, 1)
        target.extend(mod)
        raise BadStepError, "#{rel} defines no `config` method" unless target.respond_to?(:config, true)

        config = target.__send__(:config)
      rescue BadStepError => e
        return FileFailure.new(rel, 'BAD_CONFIG', e.message, '')
      rescue Exception => e # a step file may raise anything, SystemExit included
        return failure(rel, path, 'LOAD_FAILED', e)
      end
      step_from(config, target, rel)
    end

    def step_from(config, target, rel)
      raise BadStepError, "#{rel}: `config` must return a Hash, not #{config.class}" unless config.is_a?(Hash)

      config = jsonable(config, "#{rel}: config")
      name = config['name']
      raise BadStepError, "#{rel}: config needs a non-empty String `name`" unless name.is_a?(String) && !name.empty?
      if config['type'] != 'noop' && !target.respond_to?(:handler, true)
        raise BadStepError, "#{rel} defines no `handler` method"
      end

      LoadedStep.new(name, rel, config['type'].to_s, JSON.generate(config), target,
                     message_type: message_type(config), emit_types: emit_types(config))
    rescue BadStepError => e
      FileFailure.new(rel, 'BAD_CONFIG', e.message, '')
    end

    # The input's message type when the step opts in to typed objects (`typed: true`).
    def message_type(config)
      payload = config[config['type'] == 'api' ? 'bodySchema' : 'input']
      config['typed'] && payload.is_a?(String) ? payload : nil
    end

    # topic => message type, for the `emits` entries that name one.
    def emit_types(config)
      entries = config['emits'].is_a?(Array) ? config['emits'] : []
      entries.each_with_object({}) do |entry, types|
        types[entry['topic']] = entry['type'] if entry.is_a?(Hash) && entry['type'].is_a?(String)
      end
    end

    # The config with String keys, or BadStepError naming the first value that is not JSON.
    def jsonable(value, where)
      case value
      when Hash
        value.each_with_object({}) do |(key, item), out|
          unless key.is_a?(String) || key.is_a?(Symbol)
            raise BadStepError, "#{where}: key #{key.inspect} is a #{key.class}, not a String or Symbol"
          end

          out[key.to_s] = jsonable(item, "#{where}.#{key}")
        end
      when Array then value.each_with_index.map { |item, i| jsonable(item, "#{where}[#{i}]") }
      when Symbol then value.to_s
      when String, Integer, true, false, nil then value
      when Float
        raise BadStepError, "#{where} is #{value}, which JSON cannot hold" unless value.finite?

        value
      else
        raise BadStepError, "#{where} is a #{value.class} (#{value.inspect[0, 60]}), which is not JSON; " \
                            'use Hash, Array, String, Symbol, numbers, true, false or nil'
      end
    end

    def failure(rel, path, code, exc)
      FileFailure.new(rel, code, "#{Stephost.type_name(exc)}: #{exc.message}".gsub(path, rel), Stephost.stack_of(exc))
    end
  end
end
