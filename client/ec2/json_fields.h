// Typed lookups of JSON members for the clients that read JSON answers (Cost
// Explorer, the admin API); internal to libawslab.
//
// Thread-safety: pure functions.
#ifndef AWSLAB_CLIENT_EC2_JSON_FIELDS_H_
#define AWSLAB_CLIENT_EC2_JSON_FIELDS_H_

#include <boost/json.hpp>
#include <string_view>

namespace awslab::client::internal {

// The member `key` of `o` when it is an object (an array), else nullptr.
inline const boost::json::object* ObjectOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

inline const boost::json::array* ArrayOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_array() ? &v->as_array() : nullptr;
}

}  // namespace awslab::client::internal

#endif  // AWSLAB_CLIENT_EC2_JSON_FIELDS_H_
