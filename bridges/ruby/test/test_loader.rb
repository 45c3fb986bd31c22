# frozen_string_literal: true

require_relative 'support'
require 'fileutils'
require 'stephost'
require 'stephost/loader'

class LoaderTest < Minitest::Test
  def setup
    @project = Dir.mktmpdir('stephost-loader')
  end

  def teardown
    FileUtils.rm_rf(@project)
  end

  def write(rel, source)
    path = File.join(@project, rel)
    FileUtils.mkdir_p(File.dirname(path))
    File.write(path, source)
  end

  def load_project
    steps, failures = Stephost::Loader.load_steps(@project)
    [steps.to_h { |s| [s.name, s] }, failures.to_h { |f| [f.file, f] }]
  end

  def test_motia_layouts_steps_under_src_and_dot_step_names
    step = lambda do |name|
      "def config = { type: 'event', name: '#{name}', subscribes: ['t'] }\ndef handler(data, _ctx) = data\n"
    end
    write('src/flows/motia.step.rb', step.call('DotStep'))
    write('src/flows/native_step.rb', step.call('UnderscoreStep'))
    write('steps/plain_step.rb', step.call('Plain'))
    write('src/python_modules/lib/skipped_step.rb', 'raise "not a step"')
    write('src/node_modules/pkg/skipped.step.rb', 'raise "not a step"')
    assert_equal %w[src/flows/motia.step.rb src/flows/native_step.rb steps/plain_step.rb],
                 Stephost::Loader.step_files(@project)
    steps, failures = load_project
    assert_empty failures
    assert_equal %w[DotStep Plain UnderscoreStep], steps.keys.sort
  end

  def test_two_files_defining_config_handler_and_constants_do_not_collide
    %w[one two].each do |name|
      write("steps/#{name}_step.rb", <<~RUBY)
        LABEL = '#{name}'
        def config = { type: 'event', name: '#{name.capitalize}', subscribes: ['t'] }
        def helper = "helper of \#{LABEL}"
        def handler(data, _ctx) = [helper, data]
      RUBY
    end
    steps, failures = load_project
    assert_empty failures
    assert_equal ['helper of one', 1], steps['One'].call(1, :ctx)
    assert_equal ['helper of two', 2], steps['Two'].call(2, :ctx)
    refute Object.private_method_defined?(:handler), 'a step method leaked onto Object'
  end

  def test_config_with_symbol_keys_is_reported_as_json_with_string_keys
    write('steps/deep/er/x_step.rb', <<~RUBY)
      def config = { type: :event, name: 'X', subscribes: [:'a.b'], input: { type: 'object', 'required' => %w[id] } }
      def handler(_data, _ctx) = nil
    RUBY
    steps, = load_project
    step = steps['X']
    assert_equal 'steps/deep/er/x_step.rb', step.file
    assert_equal({ 'type' => 'event', 'name' => 'X', 'subscribes' => ['a.b'],
                   'input' => { 'type' => 'object', 'required' => ['id'] } }, JSON.parse(step.config_json))
  end

  def test_dot_folders_are_skipped_and_only_step_files_load
    write('steps/.cache/a_step.rb', 'raise "never"')
    write('steps/helper.rb', 'raise "never"')
    write('steps/ok_step.rb', "def config = { type: 'noop', name: 'Ok' }")
    steps, failures = load_project
    assert_equal ['Ok'], steps.keys
    assert_empty failures
  end

  def test_syntax_error_is_load_failed_with_the_relative_path_and_line
    write('steps/bad_step.rb', "def config\n  { type: 'event'\nend\n")
    _, failures = load_project
    failure = failures.fetch('steps/bad_step.rb')
    assert_equal 'LOAD_FAILED', failure.code
    assert_match(/\ASyntaxError: steps\/bad_step\.rb:\d+: syntax error/, failure.message)
  end

  def test_exceptions_while_loading_are_load_failed_with_their_stack
    write('steps/raise_step.rb', "raise ArgumentError, 'no config today'")
    write('steps/exit_step.rb', 'exit 1')
    write('steps/missing_step.rb', "require 'no_such_library_anywhere'")
    _, failures = load_project
    assert_equal 'ArgumentError: no config today', failures['steps/raise_step.rb'].message
    assert_match(/raise_step\.rb:1:in .*: no config today \(ArgumentError\)/, failures['steps/raise_step.rb'].stack)
    assert_equal 'SystemExit: exit', failures['steps/exit_step.rb'].message
    assert_match(/\ALoadError: cannot load such file -- no_such_library_anywhere/, failures['steps/missing_step.rb'].message)
    assert_equal %w[LOAD_FAILED], failures.values.map(&:code).uniq
  end

  def test_bad_configs_are_bad_config_naming_what_and_where
    write('steps/a_step.rb', "def config = { type: 'event', name: 'A', subscribes: ['x'] }")
    write('steps/b_step.rb', 'def handler(_d, _c) = nil')
    write('steps/c_step.rb', "def config = [:event]\ndef handler(_d, _c) = nil")
    write('steps/d_step.rb', "def config = { type: 'event', subscribes: ['x'] }\ndef handler(_d, _c) = nil")
    write('steps/e_step.rb', "def config = { type: 'event', name: 'E', input: { x: -> {} } }\ndef handler(_d, _c) = nil")
    write('steps/f_step.rb', "def config = { type: 'event', name: 'F', 1 => 2 }\ndef handler(_d, _c) = nil")
    _, failures = load_project
    assert_equal %w[BAD_CONFIG], failures.values.map(&:code).uniq
    assert_equal 'steps/a_step.rb defines no `handler` method', failures['steps/a_step.rb'].message
    assert_equal 'steps/b_step.rb defines no `config` method', failures['steps/b_step.rb'].message
    assert_equal 'steps/c_step.rb: `config` must return a Hash, not Array', failures['steps/c_step.rb'].message
    assert_equal 'steps/d_step.rb: config needs a non-empty String `name`', failures['steps/d_step.rb'].message
    assert_match(/\Asteps\/e_step\.rb: config\.input\.x is a Proc .*not JSON/, failures['steps/e_step.rb'].message)
    assert_match(/\Asteps\/f_step\.rb: config: key 1 is a Integer/, failures['steps/f_step.rb'].message)
  end

  def test_config_that_raises_is_load_failed
    write('steps/a_step.rb', "def config = raise(KeyError, 'no name')\ndef handler(_d, _c) = nil")
    _, failures = load_project
    assert_equal 'LOAD_FAILED', failures['steps/a_step.rb'].code
    assert_equal 'KeyError: no name', failures['steps/a_step.rb'].message
  end

  def test_handler_gets_the_arguments_it_takes
    write('steps/a_step.rb', "def config = { type: 'cron', name: 'A', cron: '* * * * *' }\ndef handler(ctx) = ctx")
    write('steps/b_step.rb', "def config = { type: 'event', name: 'B', subscribes: ['x'] }\ndef handler(data) = data")
    write('steps/c_step.rb', "def config = { type: 'event', name: 'C', subscribes: ['x'] }\ndef handler(*all) = all")
    steps, = load_project
    assert_equal :ctx, steps['A'].call(:ctx)
    assert_equal :data, steps['B'].call(:data, :ctx)
    assert_equal %i[data ctx], steps['C'].call(:data, :ctx)
  end
end
