# frozen_string_literal: true

require_relative 'support'
require 'fileutils'
require 'google/protobuf'
require 'google/protobuf/descriptor_pb'
require 'stephost'
require 'stephost/loader'
require 'stephost/typed'
require 'stephost/bridge/codec'

# Typed objects: steps with `typed: true` get instances of the classes under
# generated/ruby, and ctx.emit takes them. (tests/integration/test_gen_ruby.py
# runs the same through `stephost gen` and a real host.)
class TypedTest < Minitest::Test
  GP = Google::Protobuf

  # A `_pb.rb` in the form `stephost gen` writes: a serialized FileDescriptorProto
  # handed to add_serialized_file, then constants looked up by full name.
  def self.generated_file(package)
    fields = [%w[id 1 TYPE_STRING id], %w[unit_count 2 TYPE_INT32 unitCount]].map do |name, number, type, json|
      GP::FieldDescriptorProto.new(name: name, number: Integer(number), type: type.to_sym, label: :LABEL_OPTIONAL,
                                   json_name: json)
    end
    file = GP::FileDescriptorProto.new(name: "#{package.tr('.', '/')}/thing.proto", package: package,
                                       syntax: 'proto3', message_type: [GP::DescriptorProto.new(name: 'Thing',
                                                                                                field: fields)])
    modules = package.split('.').map { |part| part.split('_').map(&:capitalize).join }
    lookup = '::Google::Protobuf::DescriptorPool.generated_pool.lookup'
    <<~RUBY
      ::Google::Protobuf::DescriptorPool.generated_pool.add_serialized_file(
        #{GP::FileDescriptorProto.encode(file).inspect}
      )
      #{modules.map { |m| "module #{m}" }.join('; ')}
        Thing = #{lookup}("#{package}.Thing").msgclass
      #{modules.map { 'end' }.join('; ')}
    RUBY
  end

  # One generated folder per test process (a file enters the pool only once).
  def self.generated_dir
    @generated_dir ||= Dir.mktmpdir('stephost-typed').tap do |dir|
      FileUtils.mkdir_p(File.join(dir, 'typed_unit/v1'))
      File.write(File.join(dir, 'typed_unit/v1/thing_pb.rb'), generated_file('typed_unit.v1'))
      File.write(File.join(dir, 'broken_pb.rb'), "raise 'stale'\n")
    end
  end

  def loaded_step(config)
    target = Object.new
    target.define_singleton_method(:handler) { |data, _ctx| data }
    step = Stephost::Loader.step_from(config, target, 'steps/x_step.rb')
    assert_kind_of Stephost::Loader::LoadedStep, step
    step
  end

  def thing_class
    Stephost::Typed.resolve([loaded_step(type: 'event', name: 'A', input: 'typed_unit.v1.Thing', typed: true)],
                            self.class.generated_dir, '/nowhere')
    TypedUnit::V1::Thing
  end

  def test_a_step_is_typed_only_with_typed_true_and_a_message_type
    assert_equal 'a.B', loaded_step(type: 'event', name: 'E', input: 'a.B', typed: true).message_type
    assert_equal 'a.B', loaded_step(type: 'api', name: 'P', bodySchema: 'a.B', input: 'x.Y', typed: true).message_type
    assert_nil loaded_step(type: 'event', name: 'E', input: 'a.B').message_type
    assert_nil loaded_step(type: 'event', name: 'E', input: { type: 'object' }, typed: true).message_type
    step = loaded_step(type: 'event', name: 'E', emits: ['plain', { topic: 'typed', type: 'a.B' },
                                                         { topic: 'schema', schema: { type: 'object' } }])
    assert_equal({ 'typed' => 'a.B' }, step.emit_types)
  end

  def test_the_generated_folder_follows_stephost_gen_dir
    assert_equal '/p/generated/ruby', Stephost::Typed.generated_dir('/p', {})
    assert_equal '/p/out/gen/ruby', Stephost::Typed.generated_dir('/p', { 'STEPHOST_GEN_DIR' => 'out/gen' })
    assert_equal '/tmp/g/ruby', Stephost::Typed.generated_dir('/p', { 'STEPHOST_GEN_DIR' => '/tmp/g' })
  end

  def test_resolve_gives_typed_steps_their_class_and_fails_those_whose_type_is_missing
    typed = loaded_step(type: 'event', name: 'Typed', input: 'typed_unit.v1.Thing', typed: true)
    missing = loaded_step(type: 'event', name: 'Missing', input: 'typed_unit.v1.Gone', typed: true)
    plain = loaded_step(type: 'event', name: 'Plain')
    steps = [typed, missing, plain]
    failures = Stephost::Typed.resolve(steps, self.class.generated_dir, '/nowhere')
    assert_equal [typed, plain], steps
    assert_equal TypedUnit::V1::Thing, typed.message_class
    assert_nil plain.message_class
    (failure,) = failures
    assert_equal ['steps/x_step.rb', 'BAD_CONFIG'], [failure.file, failure.code]
    assert_equal "steps/x_step.rb: typed step Missing uses typed_unit.v1.Gone, which is not in " \
                 "#{self.class.generated_dir}; run `stephost gen` " \
                 "(#{self.class.generated_dir}/broken_pb.rb does not load: RuntimeError: stale)",
                 failure.message
  end

  def test_resolve_loads_nothing_without_typed_steps
    assert_empty Stephost::Typed.resolve([loaded_step(type: 'event', name: 'Plain')], '/does/not/exist', '/')
  end

  def test_decode_turns_json_into_the_message_or_says_the_classes_are_stale
    thing = Stephost::Typed.decode('S', thing_class, '{"id":"t1","unitCount":3}'.b)
    assert_equal ['t1', 3], [thing.id, thing.unit_count]
    assert_equal thing_class.new, Stephost::Typed.decode('S', thing_class, '')
    assert_equal 't2', Stephost::Typed.from_value('S', thing_class, { 'id' => 't2' }).id
    error = assert_raises(Stephost::StepError) { Stephost::Typed.decode('S', thing_class, '{"colour":1}') }
    assert_equal ['VALIDATION_FAILED', false], [error.code, error.retryable]
    assert_match(/\AS: the payload does not decode as typed_unit.v1.Thing .*run `stephost gen`.*colour/, error.message)
  end

  def test_messages_are_written_as_their_proto3_json
    thing = thing_class.new(id: 't', unit_count: 2)
    assert_equal '{"id":"t","unitCount":2}', Stephost::Bridge.dump(thing)
    assert_equal Encoding::BINARY, Stephost::Bridge.dump(thing).encoding
    assert_equal({ 'all' => [{ 'id' => 't', 'unitCount' => 2 }] },
                 JSON.parse(Stephost::Bridge.dump({ all: [thing] })))
  end

  # Records what reaches the host.
  class Link
    attr_reader :emitted

    def initialize
      @emitted = []
    end

    def emit(_id, topic, data, *)
      @emitted << [topic, Stephost::Bridge.dump(data)]
      'm-1'
    end
  end

  def test_emit_takes_a_message_of_the_topics_declared_type_only
    link = Link.new
    ctx = Stephost::Context.new(link, 1, 'S', '', 1, { 'typed' => 'typed_unit.v1.Thing', 'other' => 'x.Other' })
    thing = thing_class.new(id: 't')
    assert_equal 'm-1', ctx.emit('typed', thing)
    assert_equal 'm-1', ctx.emit(:typed, thing)
    assert_equal 'm-1', ctx.emit('untyped', thing)
    assert_equal 'm-1', ctx.emit('other', { id: 'a hash is checked by the host' })
    error = assert_raises(Stephost::StepError) { ctx.emit('other', thing) }
    assert_equal ['VALIDATION_FAILED', false], [error.code, error.retryable]
    assert_equal 'the data S emitted on "other" is a typed_unit.v1.Thing, but the topic\'s declared type is x.Other',
                 error.message
    assert_equal [%w[typed {"id":"t"}], %w[typed {"id":"t"}], %w[untyped {"id":"t"}],
                  ['other', '{"id":"a hash is checked by the host"}']], link.emitted
  end
end

# A typed step in the real runtime process, against the scripted host.
class TypedRuntimeTest < Minitest::Test
  V1 = Stephost::V1

  def setup
    @project = Dir.mktmpdir('stephost-typed-project')
    FileUtils.mkdir_p(File.join(@project, 'out/ruby/typed_proc/v1'))
    File.write(File.join(@project, 'out/ruby/typed_proc/v1/thing_pb.rb'), TypedTest.generated_file('typed_proc.v1'))
    FileUtils.mkdir_p(File.join(@project, 'steps'))
    File.write(File.join(@project, 'steps/count_step.rb'), <<~RUBY)
      require 'typed_proc/v1/thing_pb' # the generated folder is on the load path

      def config
        { type: 'event', name: 'Count', subscribes: ['things'], input: 'typed_proc.v1.Thing', typed: true,
          emits: [{ topic: 'counted', type: 'typed_proc.v1.Thing' }] }
      end

      def handler(thing, ctx)
        ctx.emit('counted', TypedProc::V1::Thing.new(id: thing.class.name, unit_count: thing.unit_count + 1))
      end
    RUBY
    File.write(File.join(@project, 'steps/body_step.rb'), <<~RUBY)
      def config
        { type: 'api', name: 'Body', method: 'POST', path: '/things', bodySchema: 'typed_proc.v1.Thing', typed: true }
      end

      def handler(req, _ctx)
        { status: 200, body: { class: req.body.class.name, thing: req.body } }
      end
    RUBY
    File.write(File.join(@project, 'steps/lost_step.rb'), <<~RUBY)
      def config = { type: 'event', name: 'Lost', subscribes: ['x'], input: 'typed_proc.v1.Lost', typed: true }
      def handler(data, _ctx) = data
    RUBY
    @session = Support::Session.new(project: @project, env: { 'STEPHOST_GEN_DIR' => 'out' })
  end

  def teardown
    @session.close
    FileUtils.rm_rf(@project)
  end

  def test_typed_steps_get_messages_and_emit_them
    hello = @session.hello
    assert_equal %w[Body Count], hello.steps.map(&:name).sort
    (lost,) = hello.load_errors
    assert_equal ['steps/lost_step.rb', 'BAD_CONFIG',
                  'steps/lost_step.rb: typed step Lost uses typed_proc.v1.Lost, which is not in out/ruby; ' \
                  'run `stephost gen`'], [lost.file, lost.error.code, lost.error.message]

    host = @session.host
    host.invoke(1, 'Count', :TRIGGER_EVENT, { id: 't', unitCount: 41 })
    call = host.expect(:call)
    assert_equal ['counted', { 'id' => 'TypedProc::V1::Thing', 'unitCount' => 42 }],
                 [call.emit.topic, JSON.parse(call.emit.data)]
    host.reply(call.call_id, emit: V1::EmitResponse.new(message_id: 'm-1'))
    assert_equal 1, host.expect(:result).invocation_id

    host.invoke_api(2, 'Body', body: { id: 'b', unitCount: 2 }, method: 'POST', path: '/things')
    response = host.expect(:result).response
    assert_equal [200, {}], [response.status, response.headers.to_h]
    assert_equal({ 'class' => 'TypedProc::V1::Thing', 'thing' => { 'id' => 'b', 'unitCount' => 2 } },
                 JSON.parse(response.body))

    host.invoke(3, 'Count', :TRIGGER_EVENT, { id: 't', colour: 'red' })
    error = host.expect(:result).error
    assert_equal ['VALIDATION_FAILED', false], [error.code, error.retryable]
    assert_match(/Count: the payload does not decode as typed_proc.v1.Thing/, error.message)
  end
end
