# The HTTP request path: raw request bytes through the net layer's parsing
# (Beast, RequestFromHeader) and api::Front to the response.
awslab_fuzzer(http_request SOURCES http_request_fuzzer.cc
              LIBS awslab_request_header awslab_api)
