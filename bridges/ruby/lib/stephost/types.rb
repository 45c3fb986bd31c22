# frozen_string_literal: true

module Stephost
  # An HTTP request routed to an api step. Hashes have String keys; header
  # names are lower case.
  class ApiRequest
    attr_reader :body, :path_params, :query_params, :headers, :method, :path

    def initialize(body: nil, path_params: {}, query_params: {}, headers: {}, method: 'GET', path: '/')
      @body = body
      @path_params = path_params
      @query_params = query_params
      @headers = headers
      @method = method
      @path = path
    end

    def to_h
      { body: body, path_params: path_params, query_params: query_params, headers: headers, method: method,
        path: path }
    end
  end
end
