# frozen_string_literal: true

# Runs the Ruby runtime's own tests: ruby bridges/ruby/test/run.rb
require 'minitest/autorun'
Dir[File.join(__dir__, 'test_*.rb')].sort.each { |file| require file }
