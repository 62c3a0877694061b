// The protocol::Request the services see, made from a request header Beast
// parsed: what the net layer hands to api::Service::Begin. A pure function,
// outside server.cc so that tests and the HTTP fuzzer
// (tests/fuzz/http_request_fuzzer.cc) build the very same Request.
#ifndef AWSLAB_EMULATOR_NET_REQUEST_HEADER_H_
#define AWSLAB_EMULATOR_NET_REQUEST_HEADER_H_

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "emulator/protocol/http.h"

namespace awslab::net {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

// Fills request.raw (the method, the target as sent split into path and
// query, every header field in order as on the wire), content_length (absent
// with chunked transfer), has_body (a body follows the header) and, through
// protocol::ParseTarget, the decoded path, query and host, from a parser whose
// header is done. remote_address, request_id and host_id are left to the
// caller. False when the target cannot be decoded or its path does not start
// with '/': the request is answered 400 InvalidURI.
bool RequestFromHeader(const RequestParser& parser, protocol::Request& request);

}  // namespace awslab::net

#endif  // AWSLAB_EMULATOR_NET_REQUEST_HEADER_H_
