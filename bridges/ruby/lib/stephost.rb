# frozen_string_literal: true

# What a Ruby step may use: Stephost::StepError to fail with a code, and the
# shapes handlers receive (Stephost::ApiRequest, Stephost::Context). Step files
# need not require it: the runtime has loaded it before it loads them.
require 'stephost/errors'
require 'stephost/types'
require 'stephost/context'
