// Asio and Beast compiled once, here (separate compilation): every other file
// that uses them includes only their declarations, which keeps builds fast.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
