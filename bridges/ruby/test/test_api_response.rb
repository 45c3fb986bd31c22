# frozen_string_literal: true

require_relative 'support'
require 'stephost/runtime'

class ApiResponseTest < Minitest::Test
  def response(output)
    Stephost::Runtime.api_response(output)
  end

  def test_symbol_and_string_keys
    assert_equal({ 'status' => 201, 'body' => { a: 1 }, 'headers' => { 'x' => 'y', 'n' => '2' } },
                 response({ status: 201, body: { a: 1 }, headers: { 'x' => 'y', n: 2 } }))
    assert_equal({ 'status' => 204, 'body' => nil, 'headers' => {} }, response({ 'status' => 204 }))
  end

  def test_status_and_headers_are_checked
    [{ status: '200' }, { status: 99 }, { status: 200, headers: [] }, { status: 200, headers: { 'x' => nil } }]
      .each do |output|
      error = assert_raises(Stephost::StepError) { response(output) }
      assert_equal ['BAD_RESPONSE', false], [error.code, error.retryable]
    end
  end

  def test_anything_else_is_bad_response_not_retryable
    ['nope', nil, { body: 1 }, [200, {}]].each do |output|
      error = assert_raises(Stephost::StepError) { response(output) }
      assert_equal ['BAD_RESPONSE', false], [error.code, error.retryable]
      assert_includes error.message, output.class.name
    end
  end

  def test_the_request_from_an_api_request_message
    wire = Stephost::V1::ApiRequest.new(
      body: '{"a":1}', path_params: { 'id' => '7' }, headers: { 'x-test' => 'yes' }, method: 'PUT', path: '/things/7',
      query_params: { 'q' => Stephost::V1::QueryValues.new(values: %w[1 2]),
                      'one' => Stephost::V1::QueryValues.new(values: ['1']) }
    )
    request = Stephost::Bridge::WireRequest.new(Stephost::V1::ApiRequest.decode(Stephost::V1::ApiRequest.encode(wire)))
    assert_equal [{ 'a' => 1 }, { 'id' => '7' }, { 'q' => %w[1 2], 'one' => '1' }, { 'x-test' => 'yes' }, 'PUT',
                  '/things/7'],
                 [request.body, request.path_params, request.query_params, request.headers, request.method,
                  request.path]
    assert_equal request.to_h, Stephost::ApiRequest.new(**request.to_h).to_h
  end

  def test_trace_id_comes_from_the_traceparent
    assert_equal '4bf92f3577b34da6a3ce929d0e0e4736',
                 Stephost::Bridge.trace_id('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
    assert_equal '', Stephost::Bridge.trace_id('')
  end
end
