// Asio and Beast compiled once, here (separate compilation): every other file
// that uses them includes only their declarations, which keeps builds fast.
// Asio's TLS streams (OpenSSL) too: the client library and the server's HTTPS
// both use them.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
